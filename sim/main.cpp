// sps-sim: command-line front end of the simulator library (sim/sim.h). Parses options,
// starts the server, prints one "listening on" line and serves until SIGINT/SIGTERM.
#include "sim/cli.h"

int main(int argc, char** argv) { return sps::sim::run_cli(argc, argv); }
