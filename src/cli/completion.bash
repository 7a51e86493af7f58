# bash completion for clopt: commands, options, and the values of --optimizer, --function,
# --device, --format and directory options. Every list comes from the clopt being completed
# (`clopt --list ...`), so it follows that build's catalogue; nothing here names an optimizer
# or a function. Installed as <datadir>/bash-completion/completions/clopt; works without the
# bash-completion package too (source it from ~/.bashrc).

# clopt --list ARGS..., one name per line; nothing when clopt cannot answer.
_clopt_list()
{
    "$_clopt_cmd" --list "$@" 2>/dev/null
}

# COMPREPLY = the candidates that extend $_clopt_full, less the part of it that bash keeps
# (everything up to its last ':' or '=', both word breaks for bash: 0:0, --steps=5).
_clopt_reply()
{
    local c keep=${_clopt_full%"${_clopt_full##*[:=]}"}
    COMPREPLY=()
    for c in "$@"; do
        [[ $c == "$_clopt_full"* ]] && COMPREPLY+=("${c#"$keep"}")
    done
}

_clopt()
{
    local _clopt_cmd=${COMP_WORDS[0]} _clopt_full
    [[ $_clopt_cmd == "~/"* ]] && _clopt_cmd=$HOME/${_clopt_cmd#"~/"}

    # The words up to the cursor, with the pieces bash split at ':' and '=' joined again.
    local words=() i w blank line=${COMP_LINE:0:COMP_POINT}
    for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        blank=0
        [[ $line == [[:blank:]]* ]] && blank=1
        line=${line#"${line%%[![:blank:]]*}"}
        line=${line#"$w"}
        if ((i > 0 && !blank)) && [[ $w == [:=]* || ${words[${#words[@]} - 1]} == *[:=] ]]; then
            words[${#words[@]} - 1]+=$w
        else
            words+=("$w")
        fi
    done
    local cword=$((${#words[@]} - 1))
    local cur=${words[cword]} prev=
    ((cword > 0)) && prev=${words[cword - 1]}
    _clopt_full=$cur

    if ((cword == 1)); then
        if [[ $cur == -* ]]; then
            _clopt_reply --help --version --man --list
        else
            mapfile -t w < <(_clopt_list commands)
            _clopt_reply "${w[@]}"
        fi
        return 0
    fi

    local cmd=${words[1]} sub=
    if [[ $cmd == --list ]]; then
        case $cword:${words[2]} in
        2:*) _clopt_reply commands options optimizers functions devices ;;
        3:commands | 3:options)
            mapfile -t w < <(_clopt_list commands)
            _clopt_reply "${w[@]}"
            ;;
        4:options)
            mapfile -t w < <(_clopt_list commands "${words[3]}")
            _clopt_reply "${w[@]}"
            ;;
        *) COMPREPLY=() ;;
        esac
        return 0
    fi

    # A command with subcommands (bench): the second word names it.
    local subs
    mapfile -t subs < <(_clopt_list commands "$cmd")
    if ((${#subs[@]})); then
        if ((cword == 2)); then
            _clopt_reply "${subs[@]}"
            return 0
        fi
        sub=${words[2]}
    fi

    # The command's options, as "--name VALUE" or "--name" lines.
    local lines names=() values=() opt= value= n
    mapfile -t lines < <(_clopt_list options "$cmd" $sub)
    for w in "${lines[@]}"; do
        names+=("${w%% *}")
        [[ $w == *" "* ]] && values+=("${w#* }") || values+=("")
    done

    # Completing a value: "--name=partial" or "--name partial".
    local prefix=
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*} prefix=$opt= cur=${cur#*=}
    elif [[ $prev == -* ]]; then
        opt=$prev
    fi
    if [[ -n $opt ]]; then
        for ((n = 0; n < ${#names[@]}; n++)); do
            [[ ${names[n]} == "$opt" ]] && value=${values[n]}
        done
    fi
    if [[ -n $value ]]; then
        local choices=()
        case $opt:$value in
        --optimizer:*) mapfile -t choices < <(_clopt_list optimizers) ;;
        --function:*) mapfile -t choices < <(_clopt_list functions) ;;
        --device:*) mapfile -t choices < <(_clopt_list devices) ;;
        *:*"|"*) IFS='|' read -ra choices <<<"$value" ;;
        *:DIR)
            mapfile -t choices < <(compgen -d -- "$cur")
            compopt -o filenames 2>/dev/null
            ;;
        esac
        _clopt_reply "${choices[@]/#/$prefix}"
        return 0
    fi
    [[ -n $prefix ]] && { COMPREPLY=(); return 0; }
    local shown=()
    for w in "${names[@]}"; do
        [[ $w == -h ]] || shown+=("$w")
    done
    _clopt_reply "${shown[@]}"
    return 0
}

complete -F _clopt clopt
