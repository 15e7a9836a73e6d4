from kcompat.cli import main

raise SystemExit(main())
