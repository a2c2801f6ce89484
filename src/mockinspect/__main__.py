from mockinspect.app import main

raise SystemExit(main())
