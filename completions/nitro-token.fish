# SPDX-License-Identifier: MIT
# fish completion for nitro-token

# the profiles of the config file this command line would read, as
# nitro-token itself reads them; the names are printed, never evaluated
function __nitro_token_profiles
    set -l args --list-profiles
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        if test "$tokens[$i]" = --config; and test $i -lt (count $tokens)
            set -a args --config (string replace -r '^~' $HOME -- $tokens[(math $i + 1)])
        end
    end
    command nitro-token $args 2>/dev/null
end

complete -c nitro-token -f
complete -c nitro-token -l base-url -x -a 'https://api.gonitro.dev' -d 'API base URL'
complete -c nitro-token -l cacert -r -F -d 'Trust the CA certificates in FILE'
complete -c nitro-token -l cache-dir -x -a '(__fish_complete_directories)' -d 'Directory of the token cache'
complete -c nitro-token -l capath -x -a '(__fish_complete_directories)' -d 'Trust the CA certificates in DIR'
complete -c nitro-token -l client-id -x -d 'Client ID'
complete -c nitro-token -l client-secret -x -d 'Client secret (visible to other users)'
complete -c nitro-token -l client-secret-command -x -a '(__fish_complete_command)' -d 'Run COMMAND for the client secret'
complete -c nitro-token -l client-secret-file -r -F -d 'Read the client secret from FILE, - for stdin'
complete -c nitro-token -l config -r -F -d 'Config file'
complete -c nitro-token -l connect-timeout -x -d 'Seconds per connection attempt'
complete -c nitro-token -l export -d 'Same as --format export'
complete -c nitro-token -l forget -d 'Remove the cached token of these credentials'
complete -c nitro-token -s f -l format -x -a 'token json export fish powershell dotenv header curl github azure' -d 'Output format'
complete -c nitro-token -s h -l help -d 'Print help and exit'
complete -c nitro-token -l json -d 'Same as --format json'
complete -c nitro-token -l keep-fresh -d 'Run COMMAND as a child and keep NITRO_ACCESS_TOKEN_FILE fresh'
complete -c nitro-token -l list-profiles -d 'Print the config file profiles and exit'
complete -c nitro-token -l min-ttl -x -d 'Minimum seconds a cached token must stay valid'
complete -c nitro-token -l no-cache -d 'Neither read nor write the cache'
complete -c nitro-token -l profile -x -a '(__nitro_token_profiles)' -d 'Config file profile'
complete -c nitro-token -s q -l quiet -d 'No warnings'
complete -c nitro-token -l refresh -d 'Fetch a new token and replace the cached one'
complete -c nitro-token -l rejected -d 'The API refused the token in NITRO_ACCESS_TOKEN or on stdin; get a good one'
complete -c nitro-token -l retries -x -d 'Retries of transient failures'
complete -c nitro-token -l show-config -d 'Print every setting and its source'
complete -c nitro-token -l status -d 'What the cache holds, never the token'
complete -c nitro-token -l timeout -x -d 'Seconds for the whole run'
complete -c nitro-token -s v -l verbose -d 'Trace the steps on stderr'
complete -c nitro-token -s V -l version -d 'Print the version and exit'

# after "--": a command and its own arguments, completed as fish would alone
function __nitro_token_exec
    set -l tokens (commandline -opc)
    set -l i (contains -i -- -- $tokens)
    set -l rest $tokens[(math $i + 1)..-1]
    complete -C (string join ' ' -- $rest (commandline -ct))
end
complete -c nitro-token -n 'contains -- -- (commandline -opc)' -x -a '(__nitro_token_exec)'
