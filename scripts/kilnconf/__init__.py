"""The Kiln configurator, one module per concern.

  tree      what the source tree holds: arches, profiles, components, forbidden outputs
  errors    ConfigError and how paths are shown in messages
  kconf     Kconfig: fragments, value checks, merge, the errors of a value that did not stick
  kbuild    Kbuild fragments: which sources a configuration builds
  toolchain the compilers and emulators an arch needs, and their Debian packages
  render    Jinja2 rendering of every generated file
  output    the build directory: lock, staging, all-or-nothing commit
  objdiff   diff --objects: two builds' machine code compared function by function
  cli       the command line

configure.py at the top of the tree is the entry point; it only makes sure kconfiglib and
Jinja2 can be imported, then calls cli.main. Only `tree` and `errors` import nothing outside
the standard library, so the host tests can use them with any python3.
"""
