# Build the Windows installer on a Windows machine with Python 3.11+ and Inno Setup 6 (iscc on PATH).
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
if (-not (Test-Path .venv)) { py -3 -m venv .venv }
.\.venv\Scripts\python -m pip install --quiet --upgrade pip
.\.venv\Scripts\python -m pip install --quiet -e ".[dev]"
.\.venv\Scripts\pyinstaller packaging\mockinspect.spec --noconfirm --distpath dist --workpath build\pyinstaller --log-level ERROR
$env:QT_QPA_PLATFORM = "offscreen"
$version = (& dist\mockinspect\mockinspect.exe --version).Split(" ")[1]
& dist\mockinspect\mockinspect.exe --smoke
if ($LASTEXITCODE -ne 0) { throw "the frozen smoke run failed" }
Remove-Item Env:\QT_QPA_PLATFORM
iscc /DAppVersion=$version packaging\windows\mockinspect.iss
Write-Host "dist\mockinspect-$version-setup.exe"
