"""``mockinspect bank validate|list|coverage|schema|migrate|new-id|export|import``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from mockinspect.cli import extra_bank_dirs, wants_json
from mockinspect.cli.output import echo, print_json, print_table
from mockinspect.domain.bank import Bank
from mockinspect.i18n import tr
from mockinspect.services.banks import BankService
from mockinspect.services.errors import UserError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    bank = sub.add_parser(
        "bank",
        parents=[common],
        help=tr("question banks: validate, list, coverage, schema, migrate, new-id, export, import"),
    )
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="COMMAND")
    bank.set_defaults(handler=lambda args: _help(bank))

    validate = bank_sub.add_parser(
        "validate", parents=[common], help=tr("check banks and scenarios; every problem as path:line:col: message")
    )
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=tr("files or folders"))
    validate.set_defaults(handler=cmd_validate)

    listing = bank_sub.add_parser("list", parents=[common], help=tr("banks found: bundled, user folder, --bank-dir"))
    listing.set_defaults(handler=cmd_list)

    coverage = bank_sub.add_parser(
        "coverage",
        parents=[common],
        help=tr("per bank and area: questions, probes, documents and clauses cited, regions"),
    )
    coverage.add_argument(
        "--bundled",
        action="store_true",
        help=tr("only the banks shipped with mockinspect (not the user folder or --bank-dir)"),
    )
    coverage.add_argument(
        "--markdown", action="store_true", help=tr("a Markdown page (docs/coverage.md is this page for --bundled)")
    )
    coverage.add_argument(
        "-o", "--output", type=Path, metavar="OUT", help=tr("write the Markdown page here instead of printing it")
    )
    coverage.set_defaults(handler=cmd_coverage)

    migrate = bank_sub.add_parser(
        "migrate", parents=[common], help=tr("convert a format-1 bank to format 2 (same meaning, checked)")
    )
    migrate.add_argument("file", type=Path, metavar="FILE", help=tr("a format-1 bank file"))
    migrate.add_argument("-o", "--output", type=Path, metavar="OUT", help=tr("write here (default: print to stdout)"))
    migrate.set_defaults(handler=cmd_migrate)

    new_id = bank_sub.add_parser("new-id", parents=[common], help=tr("the next free question id for an area"))
    new_id.add_argument("area", metavar="AREA", help=tr("an area id, e.g. data-integrity"))
    new_id.set_defaults(handler=cmd_new_id)

    export = bank_sub.add_parser("export", parents=[common], help=tr("write a bank as an Excel workbook"))
    export.add_argument("file", type=Path, metavar="BANK_FILE", help=tr("a bank file (format 1 or 2)"))
    export.add_argument("--xlsx", type=Path, required=True, metavar="OUT.xlsx", help=tr("the workbook to write"))
    export.set_defaults(handler=cmd_export)

    importer = bank_sub.add_parser(
        "import", parents=[common], help=tr("read a bank from an Excel workbook; writes nothing on any problem")
    )
    importer.add_argument("--xlsx", type=Path, required=True, metavar="IN.xlsx", help=tr("the workbook to read"))
    importer.add_argument("-o", "--output", type=Path, required=True, metavar="BANK.yaml", help=tr("the bank to write"))
    importer.set_defaults(handler=cmd_import)

    schema = bank_sub.add_parser("schema", parents=[common], help=tr("print the JSON Schema of the bank format"))
    schema.add_argument(
        "--kind",
        choices=["bank", "scenario", "documents", "bank-1"],
        default="bank",
        help=tr("which format (default: bank, format 2; bank-1 is the older format)"),
    )
    schema.set_defaults(handler=cmd_schema)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def service(args: argparse.Namespace) -> BankService:
    return BankService(extra_bank_dirs(args))


def cmd_validate(args: argparse.Namespace) -> int:
    svc = service(args)
    problems = svc.validate(args.paths)
    # Broken files among the available banks that were not validated here get one line each.
    reported = {p.path for p in problems} | {str(Path(p.path).resolve()) for p in problems}
    print_warnings(
        [w for w in svc.catalogue().registry.warnings if not any(w.startswith(f"warning: {r}: ") for r in reported)]
    )
    if wants_json(args):
        print_json([{"path": p.path, "line": p.line, "col": p.col, "message": p.message} for p in problems])
    else:
        for p in problems:
            echo(p)
    if problems:
        files = len({p.path for p in problems})
        print(tr("{n} problem(s) in {files} file(s)", n=len(problems), files=files), file=sys.stderr)
        return 1
    if not wants_json(args):
        print(tr("ok: no problems"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    catalogue = service(args).catalogue()
    banks = [(e, e.doc) for e in catalogue.entries if isinstance(e.doc, Bank)]
    if wants_json(args):
        print_json(
            [
                {
                    "id": bank.id,
                    "version": bank.version,
                    "format": bank.format,
                    "title": bank.title,
                    "questions": len(bank.questions),
                    "areas": [a.id for a in bank.areas],
                    "source": e.source.label,
                    "path": str(e.file.path),
                    "used": e.used,
                    "note": e.note,
                }
                for e, bank in banks
            ]
        )
    else:
        rows = [
            (
                bank.id,
                bank.version,
                len(bank.questions),
                e.source.label,
                "yes" if e.used else "no",
                e.note or "-",
                bank.title,
            )
            for e, bank in banks
        ]
        print_table([tr("ID"), tr("VERSION"), tr("QUESTIONS"), tr("SOURCE"), tr("USED"), tr("NOTE"), tr("TITLE")], rows)
    print_warnings(catalogue.registry.warnings)
    return 0


def print_warnings(warnings: Sequence[str]) -> None:
    """Broken files do not stop a command; say where they are and how to see why (stderr)."""
    for line in warnings:
        echo(line, file=sys.stderr)


def cmd_coverage(args: argparse.Namespace) -> int:
    from mockinspect.banks.coverage import clause_list, markdown
    from mockinspect.banks.tools import ToolError, write_text_atomically

    if wants_json(args) and (args.markdown or args.output is not None):
        raise UserError(tr("bank coverage: choose --json or --markdown, not both"))
    svc = BankService((), include_user=False) if args.bundled else service(args)
    catalogue = svc.catalogue()
    print_warnings(catalogue.registry.warnings)
    cov = svc.coverage()
    if wants_json(args):
        print_json(cov.to_json())
        return 0
    if args.markdown or args.output is not None:
        command = "mockinspect bank coverage" + (" --bundled" if args.bundled else "") + " --markdown"
        page = markdown(cov, command)
        if args.output is None:
            sys.stdout.write(page)
            return 0
        try:
            write_text_atomically(args.output, page)
        except ToolError as exc:
            raise UserError(str(exc)) from None
        echo(tr("wrote {path}", path=args.output), file=sys.stderr)
        return 0
    print_table(
        [
            tr("BANK"),
            tr("AREA"),
            tr("QUESTIONS"),
            tr("PROBES"),
            tr("WITH PROBES"),
            tr("DOCS"),
            tr("CLAUSES"),
            tr("JURISDICTIONS"),
            tr("REGION LABELS"),
        ],
        [
            (
                r.bank,
                r.area,
                r.questions,
                r.probes,
                r.with_probes,
                len(r.citations),
                r.clause_count,
                ",".join(r.jurisdictions) or "-",
                ",".join(r.regions) or "-",
            )
            for r in cov.rows
        ],
    )
    for r in cov.rows:
        echo("")
        echo(tr("{bank} / {area}: documents and clauses cited", bank=r.bank, area=r.area))
        for doc, clauses in r.citations.items():
            echo(f"  {doc}: {clause_list(clauses)}")
    echo("")
    echo(
        tr(
            "{banks} bank(s), {areas} area(s), {questions} primary question(s), {probes} probe(s); "
            "{with_probes} primary question(s) ({percent}%) with probes; {docs} document(s) cited",
            banks=len(cov.banks),
            areas=len(cov.rows),
            questions=cov.questions,
            probes=cov.probes,
            with_probes=cov.with_probes,
            percent=cov.probed_percent,
            docs=len(cov.cited_documents()),
        )
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from mockinspect.banks.schema import dumps, schema_for

    sys.stdout.write(dumps(schema_for(args.kind)))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from mockinspect.banks.tools import ToolError, migrate_file, write_text_atomically

    svc = service(args)
    catalogue = svc.catalogue()
    print_warnings(catalogue.registry.warnings)
    try:
        text = migrate_file(args.file, registry_ids=catalogue.registry.documents)
        if args.output is not None:
            write_text_atomically(args.output, text)
    except ToolError as exc:
        raise UserError(str(exc)) from None
    if args.output is None:
        sys.stdout.write(text)
    else:
        echo(tr("wrote {path} (format 2, same meaning as {src})", path=args.output, src=args.file), file=sys.stderr)
    return 0


def cmd_new_id(args: argparse.Namespace) -> int:
    from mockinspect.banks.tools import ToolError, next_question_id

    catalogue = service(args).catalogue()
    print_warnings(catalogue.registry.warnings)
    try:
        echo(next_question_id(args.area, catalogue.registry.banks.values()))
    except ToolError as exc:
        raise UserError(str(exc)) from None
    return 0


def _xlsx() -> ModuleType:
    try:
        from mockinspect.banks import xlsx
    except ImportError:
        raise UserError(tr("Excel support needs openpyxl: pip install openpyxl")) from None
    return xlsx


def cmd_export(args: argparse.Namespace) -> int:
    from mockinspect.banks.tools import ToolError, load_bank

    xlsx = _xlsx()
    catalogue = service(args).catalogue()
    print_warnings(catalogue.registry.warnings)
    try:
        bank = load_bank(args.file)
        xlsx.export_workbook(bank, args.xlsx, registry_ids=catalogue.registry.documents)
    except ToolError as exc:
        raise UserError(str(exc)) from None
    except xlsx.WorkbookError as exc:
        raise UserError(str(exc.problems[0])) from None
    echo(tr("wrote {path}", path=args.xlsx), file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from mockinspect.banks.tools import ToolError, write_text_atomically

    xlsx = _xlsx()
    catalogue = service(args).catalogue()
    print_warnings(catalogue.registry.warnings)
    try:
        text = xlsx.import_workbook(
            args.xlsx,
            context_banks=list(catalogue.registry.banks.values()),
            context_documents=list(catalogue.registry.documents.values()),
            registry_ids=catalogue.registry.documents,
        )
    except xlsx.WorkbookError as exc:
        problems = exc.problems
        if wants_json(args):
            print_json([{"place": p.path, "message": p.message} for p in problems])
        else:
            for p in problems:
                echo(p)
        print(tr("{n} problem(s); nothing written", n=len(problems)), file=sys.stderr)
        return 1
    try:
        write_text_atomically(args.output, text)
    except ToolError as exc:
        raise UserError(str(exc)) from None
    echo(tr("wrote {path}", path=args.output), file=sys.stderr)
    return 0
