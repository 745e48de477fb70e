# bash completion for sps-apply                                    -*- shell-script -*-
# Installed to share/bash-completion/completions/sps-apply; or source it from ~/.bashrc.
# Completes subcommands, their flags, the values of --format, and file/directory arguments.
# Keep in sync with `sps-apply <command> --help` (the completions test checks every flag).

_sps_apply() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion || return
  else
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi

  local commands="validate plan apply drift show export report"
  local connection="--url --username --password-file --ca-file --insecure --timeout --deadline --max-answer-size --parallel --verbose
    --log-level --login-method --client-cert --client-key --client-pkcs12 --client-key-passphrase-file"
  local fleet="--inventory --limit --index --max-parallel --fleet-report"

  # The subcommand is the first word that is not a flag.
  local command="" i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -*) ;;
      *) command=${words[i]}; break ;;
    esac
  done

  # Values of options that take one.
  case $prev in
    --format)
      case $command in
        validate | apply) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        plan | show) COMPREPLY=($(compgen -W "text json markdown" -- "$cur")) ;;
        drift | report) COMPREPLY=($(compgen -W "text json markdown junit" -- "$cur")) ;;
        *) COMPREPLY=() ;;
      esac
      return ;;
    --password-file | --ca-file | --record | --output | --client-cert | --client-key | --client-pkcs12 | \
      --client-key-passphrase-file | --inventory)
      COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null
      return ;;
    --out)
      if [[ $command == export ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      compopt -o filenames 2>/dev/null
      return ;;
    --report)
      case $command in
        plan) COMPREPLY=($(compgen -W "text= json= markdown=" -- "$cur")) ;;
        drift) COMPREPLY=($(compgen -W "text= json= markdown= junit=" -- "$cur")) ;;
        *) COMPREPLY=() ;;
      esac
      compopt -o nospace 2>/dev/null
      return ;;
    --url) COMPREPLY=($(compgen -W "https://" -- "$cur")); compopt -o nospace 2>/dev/null; return ;;
    --log-level) COMPREPLY=($(compgen -W "error warn info debug" -- "$cur")); return ;;
    --username | --timeout | --deadline | --max-answer-size | --parallel | --commit-message | --ignore | --login-method | \
      --lock-timeout | --cluster-sync-timeout | --cluster-poll-interval | --target | --exclude | --limit | --index | --max-parallel | --max-failed) COMPREPLY=(); return ;;
    --fleet-report)
      COMPREPLY=($(compgen -W "text= json= markdown= junit=" -- "$cur")); compopt -o nospace 2>/dev/null
      return ;;
    --only)
      # The kind paths of schemas/ (the writable ones).
      local kinds="policies/backup_policies policies/audit_policies policies/archive_cleanup_policies
        management/email management/webinterface management/soap management/support_info
        management/system_backup management/exported_configuration_encryption
        management/splunk_forwarder management/universal_siem_forwarder management/syslog
        local_services/admin_web local_services/user_web local_services/cluster"
      COMPREPLY=($(compgen -W "$kinds" -- "$cur"))
      return ;;
  esac

  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi

  local flags
  case $command in
    validate) flags="--format --require-secrets --inventory --limit --help" ;;
    plan) flags="--out --format --report --detailed-exitcode --rotate-secrets --target --exclude --no-color $connection $fleet --help" ;;
    apply) flags="--auto-approve --format --record --commit-message --rotate-secrets --lock-timeout --cluster-sync-timeout --cluster-poll-interval --target --exclude --no-color $connection $fleet
      --max-failed --help" ;;
    drift) flags="--format --output --report --ignore --no-color $connection $fleet --help" ;;
    show) flags="--format --no-color --help" ;;
    export) flags="--out --only --all --force $connection --help" ;;
    report) flags="merge --format --output --help" ;;
    *) flags="--help" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    # PATH: a desired-state directory or YAML file (apply also takes a saved plan file).
    COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null
  fi
}
complete -F _sps_apply sps-apply
