# SPDX-License-Identifier: MIT
# bash completion for nitro-token                          -*- shell-script -*-

# _nitro_token_add WORD...: add to COMPREPLY the words that start with $cur.
# Words are compared as plain strings and never expanded: some come from a
# config file, which may hold anything.
_nitro_token_add()
{
    local w
    for w in "$@"; do
        [[ $w == "$cur"* ]] && COMPREPLY+=("$w")
    done
}

# the profiles of the config file this command line would read, as
# nitro-token itself reads them (one parser of the file, not two)
_nitro_token_profiles()
{
    local cmd=$1 i
    local -a args=(--list-profiles)
    local file
    # --config FILE, --config=FILE, or --config = FILE where readline split it
    for ((i = 1; i < ${#words[@]} - 1; i++)); do
        file=
        if [[ ${words[i]} == --config=?* ]]; then
            file=${words[i]#--config=}
        elif [[ ${words[i]} == --config && ${words[i + 1]} == = ]]; then
            file=${words[i + 2]-}
        elif [[ ${words[i]} == --config ]]; then
            file=${words[i + 1]}
        fi
        [[ -n $file ]] && args+=(--config "${file/#\~/$HOME}")
    done
    local -a names
    mapfile -t names < <("$cmd" "${args[@]}" 2>/dev/null)
    _nitro_token_add "${names[@]}"
}

_nitro_token()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion -n = || return
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD - 1]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    COMPREPLY=()

    # after "--" comes a command and its arguments
    local i
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} == -- ]]; then
            if ((i == cword - 1)); then
                mapfile -t COMPREPLY < <(compgen -c -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            return
        fi
    done

    # --format=NAME and --profile=NAME: one word (_init_completion -n =
    # keeps it whole), or three where readline split it at "="
    local opt=
    if [[ $cur == --format=* || $cur == --profile=* ]]; then
        opt=${cur%%=*} cur=${cur#*=}
    elif [[ $prev == = ]] && ((cword >= 2)); then
        opt=${words[cword - 2]}
    elif [[ $cur == = && ($prev == --format || $prev == --profile) ]]; then
        opt=$prev cur=
    fi
    case $opt in
    --format)
        _nitro_token_add token json export fish powershell dotenv header curl github azure
        return
        ;;
    --profile)
        _nitro_token_profiles "$1"
        return
        ;;
    esac

    case $prev in
    -f | --format)
        _nitro_token_add token json export fish powershell dotenv header curl github azure
        return
        ;;
    --profile)
        _nitro_token_profiles "$1"
        return
        ;;
    --cacert | --client-secret-file | --config | -o | --output)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        compopt -o filenames 2>/dev/null
        return
        ;;
    --capath | --cache-dir)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        compopt -o filenames 2>/dev/null
        return
        ;;
    --base-url)
        _nitro_token_add https://api.gonitro.dev
        return
        ;;
    --client-secret-command)
        mapfile -t COMPREPLY < <(compgen -c -- "$cur")
        return
        ;;
    -d | --data | -F | --form)
        # @FILE reads a file: complete the name after the @
        if [[ $cur == *@* ]]; then
            local pre=${cur%%@*}@
            mapfile -t COMPREPLY < <(compgen -f -- "${cur#*@}")
            COMPREPLY=("${COMPREPLY[@]/#/$pre}")
        fi
        return
        ;;
    -H | --header)
        _nitro_token_add 'Content-Type: ' 'Accept: '
        return
        ;;
    --client-id | --client-secret | --connect-timeout | --min-ttl | --retries | --timeout | \
        --stall-timeout)
        return
        ;;
    esac

    # the api command: its options, then METHOD and PATH
    if [[ ${words[1]} == api ]] && ((cword > 1)); then
        if [[ $cur == -* ]]; then
            _nitro_token_add --base-url --cacert --cache-dir --capath --client-id \
                --client-secret --client-secret-command --client-secret-file --config \
                --connect-timeout --data --form --header --help --include --min-ttl \
                --no-cache --output --paginate --profile --quiet --refresh --retries \
                --stall-timeout --timeout --verbose -d -F -H -h -i -o -q -v
        else
            _nitro_token_add GET POST PUT PATCH DELETE HEAD
        fi
        return
    fi
    if ((cword == 1)) && [[ $cur != -* ]]; then
        _nitro_token_add api
        return
    fi
    if [[ $cur == -* ]]; then
        _nitro_token_add --base-url --cacert --cache-dir --capath --client-id \
            --client-secret --client-secret-command --client-secret-file --config \
            --connect-timeout --export --forget --format --help --json --keep-fresh \
            --list-profiles --min-ttl --no-cache --profile --quiet --refresh --rejected \
            --retries --show-config --status --timeout --verbose --version -f -h -q -V -v -- \
            --data --form --header --include --output --paginate --stall-timeout
    fi
}
complete -F _nitro_token nitro-token

# ex: filetype=sh
