#!/usr/bin/env bash
# The shell completions, man pages and pre-commit hook against the built binaries:
#   * completions/sps-apply.bash parses, registers `complete -F _sps_apply sps-apply` and
#     completes subcommands and flags; completions/_sps-apply parses and registers in zsh
#     (when zsh is installed);
#   * every subcommand of `sps-apply --help` and every flag of `sps-apply CMD --help` appears
#     in both completions and in docs/sps-apply.1; every flag of `sps-sim --help` in
#     docs/sps-sim.1;
#   * examples/pre-commit/pre-commit passes on a valid desired state and refuses an invalid one.
# Usage: check_cli_docs.sh SPS_APPLY_BINARY SPS_SIM_BINARY SOURCE_DIR
set -uo pipefail
apply_bin=$(realpath "$1") sim_bin=$(realpath "$2") src=$(realpath "$3")
bash_completion=$src/completions/sps-apply.bash
zsh_completion=$src/completions/_sps-apply
failed=0
ok() { echo "ok: $*"; }
fail() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
export NO_COLOR=1

# --- bash completion -------------------------------------------------------------------------
if bash -n "$bash_completion"; then ok "bash -n $bash_completion"; else fail "bash -n $bash_completion"; fi
registered=$(bash -c "source '$bash_completion' && complete -p sps-apply" 2>&1)
if [[ $registered == "complete -F _sps_apply sps-apply" ]]; then ok "bash: $registered"
else fail "bash: complete -p sps-apply printed '$registered'"; fi
# Run the completion function as bash would for "sps-apply <words...>" and print COMPREPLY.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
           _sps_apply; printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_completion" "$@" 2>/dev/null
}
[[ $(complete_words sps-apply pl) == plan ]] && ok "bash completes 'pl' to plan" || fail "bash does not complete 'pl' to plan"
[[ $(complete_words sps-apply drift --format j) == $'json\njunit' ]] && ok "bash completes drift --format j" ||
  fail "bash drift --format j gave '$(complete_words sps-apply drift --format j)'"

# --- zsh completion --------------------------------------------------------------------------
if command -v zsh >/dev/null; then
  if zsh -n "$zsh_completion"; then ok "zsh -n $zsh_completion"; else fail "zsh -n $zsh_completion"; fi
  dump=$(mktemp)
  comp=$(zsh -f -c "fpath=('$src/completions' \$fpath); autoload -U compinit && compinit -u -d '$dump' && print -r -- \${_comps[sps-apply]}" 2>&1)
  rm -f "$dump"
  [[ $comp == _sps-apply ]] && ok "zsh: compinit registers _sps-apply for sps-apply" || fail "zsh: _comps[sps-apply] is '$comp'"
else
  echo "skipped: zsh is not installed; the zsh completion was not loaded" >&2
fi

# --- coverage of --help ------------------------------------------------------------------------
man_apply=$(sed 's/\\-/-/g' "$src/docs/sps-apply.1")
man_sim=$(sed 's/\\-/-/g' "$src/docs/sps-sim.1")
flags_of() { "$@" --help 2>&1 | grep -oE -- '(^|[ ,])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u; }
# The options a command declares: the lines of --help that start with one (not the mentions
# of other commands' options in descriptions).
options_of() { "$@" --help 2>&1 | grep -E -- '^ {2,}(-[a-zA-Z],)?--[a-z]' | sed -E 's/^ +(-[a-zA-Z],)?(--[a-z0-9-]+).*/\2/' | sort -u; }
commands=$("$apply_bin" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
[[ -n $commands ]] || fail "no subcommands found in sps-apply --help"
for command in $commands; do
  for where in "$bash_completion" "$zsh_completion"; do
    grep -qw -- "$command" "$where" && ok "$(basename "$where") knows $command" || fail "$(basename "$where") lacks command $command"
  done
  grep -q -- "sps-apply $command" <<<"$man_apply" && ok "sps-apply.1 documents $command" || fail "sps-apply.1 lacks command $command"
  # Per subcommand: what bash offers after "sps-apply COMMAND -", and the zsh section of the
  # command with the option groups it names.
  bash_offers=$(complete_words sps-apply "$command" -)
  zsh_section=$(awk -v c="$command)" '$1 == c {on = 1} on {print} on && /;;/ {exit}' "$zsh_completion")
  for group in connection fleet; do
    if grep -q -- "\$$group" <<<"$zsh_section"; then
      zsh_section+=$'\n'$(awk -v g="  $group=(" 'index($0, g) == 1 {on = 1} on {print} on && /^  \)/ {exit}' "$zsh_completion")
    fi
  done
  declared=$(options_of "$apply_bin" "$command")
  [[ $declared == *--help* ]] || fail "no options found in sps-apply $command --help"
  for flag in $declared; do
    grep -qx -- "$flag" <<<"$bash_offers" || fail "sps-apply.bash does not offer $flag for $command"
    grep -q -- "$flag\b" <<<"$zsh_section" || fail "_sps-apply does not offer $flag for $command"
    grep -q -- "$flag\b" <<<"$man_apply" || fail "sps-apply.1 lacks $command $flag"
  done
  ok "completions and man page cover the flags of $command"
done
for flag in $(flags_of "$sim_bin"); do
  grep -q -- "$flag\b" <<<"$man_sim" || fail "sps-sim.1 lacks $flag"
done
ok "sps-sim.1 covers the flags of sps-sim --help"
sim_version=$("$sim_bin" --version)
for part in "git commit:" "built:" "OpenSSL" "Boost" "simulates:   SPS firmware"; do
  grep -q -- "$part" <<<"$sim_version" || fail "sps-sim --version lacks '$part': $sim_version"
done
ok "sps-sim --version names its build, libraries and firmware"

# --- the pre-commit hook ---------------------------------------------------------------------
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
mkdir -p "$repo/bin"
ln -s "$apply_bin" "$repo/bin/sps-apply"
(
  set -e
  cd "$repo"
  git init -q . && git config user.email t@example.com && git config user.name t
  cp "$src/examples/pre-commit/pre-commit" .git/hooks/pre-commit
  mkdir desired-state && printf 'management/webinterface:\n  timeout: 15\n' >desired-state/web.yaml
  git add desired-state && PATH="$repo/bin:$PATH" git commit -qm valid >/dev/null
) && ok "pre-commit hook accepts a valid desired state" || fail "pre-commit hook refused a valid desired state"
(
  cd "$repo"
  printf 'management/webinterface:\n  timout: 15\n' >desired-state/web.yaml
  git add desired-state && ! PATH="$repo/bin:$PATH" git commit -qm invalid >/dev/null 2>&1
) && ok "pre-commit hook refuses an invalid desired state" || fail "pre-commit hook let an invalid desired state through"

echo "$failed failed"
exit $((failed > 0))
