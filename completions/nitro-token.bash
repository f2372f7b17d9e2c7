# bash completion for nitro-token                          -*- shell-script -*-

# the profiles of the config file that this command line would read
_nitro_token_profiles()
{
    local file="${NITRO_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/nitro-token/config}"
    local i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        if [[ ${COMP_WORDS[i]} == --config ]]; then
            file="${COMP_WORDS[i + 1]/#\~/$HOME}"
        fi
    done
    [[ -r $file ]] || return 0
    sed -n 's/^[[:space:]]*\[[[:space:]]*\([^]]*[^][:space:]]\)[[:space:]]*\].*/\1/p' -- "$file"
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

    # after "--" comes a command and its arguments
    local i
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} == -- ]]; then
            if ((i == cword - 1)); then
                COMPREPLY=($(compgen -c -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            return
        fi
    done

    case $prev in
    -f | --format)
        COMPREPLY=($(compgen -W 'token json export fish powershell dotenv header curl' -- "$cur"))
        return
        ;;
    --profile)
        COMPREPLY=($(compgen -W "$(_nitro_token_profiles)" -- "$cur"))
        return
        ;;
    --cacert | --client-secret-file | --config)
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
        return
        ;;
    --capath | --cache-dir)
        COMPREPLY=($(compgen -d -- "$cur"))
        compopt -o filenames 2>/dev/null
        return
        ;;
    --base-url)
        COMPREPLY=($(compgen -W 'https://api.gonitro.dev' -- "$cur"))
        return
        ;;
    --client-id | --client-secret | --connect-timeout | --min-ttl | --retries | --timeout)
        return
        ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--base-url --cacert --cache-dir --capath --client-id
            --client-secret --client-secret-file --config --connect-timeout --export
            --format --help --json --min-ttl --no-cache --profile --quiet --refresh
            --retries --show-config --timeout --verbose --version -f -h -q -V -v --' -- "$cur"))
    fi
}
complete -F _nitro_token nitro-token

# ex: filetype=sh
