from mockinspect.cli import main

raise SystemExit(main())
