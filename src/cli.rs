//! The command-line face of rolescope: argument parsing and one module per subcommand.
