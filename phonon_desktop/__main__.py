from phonon_desktop.cli import main

raise SystemExit(main())
