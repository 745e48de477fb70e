// The subcommands of sps-apply, one line each, in the order --help lists them.
// SPS_CLI_COMMAND(name) registers `Command setup_<name>(CLI::App&)`, defined in
// commands/<name>.cpp (add that file to src/cli/CMakeLists.txt as well).
// No include guard: cli.cpp includes this file twice with different SPS_CLI_COMMAND definitions.
SPS_CLI_COMMAND(validate)
SPS_CLI_COMMAND(plan)
SPS_CLI_COMMAND(apply)
SPS_CLI_COMMAND(drift)
SPS_CLI_COMMAND(show)
SPS_CLI_COMMAND(export)
SPS_CLI_COMMAND(report)
