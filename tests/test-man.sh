#!/bin/bash
# The manual page against the program: it lints clean, it documents every option of --help and
# no other, and its SYNOPSIS says what the usage lines of --help say.
#   test-man.sh BINARY PAGE
#
# Options of other programs (dockerd, augenrules) are written with Cm in the page, never Fl, so
# that every Fl long option is one of ours.
set -u

bin=${1:?usage: test-man.sh BINARY PAGE}
page=${2:?usage: test-man.sh BINARY PAGE}
fail=0

bad() {
        echo "FAIL: $*"
        fail=1
}

if ! command -v mandoc >/dev/null 2>&1; then
        echo "SKIP: mandoc is not installed"
        exit 77
fi
[ -r "$page" ] || { echo "FAIL: cannot read $page"; exit 1; }
help=$("$bin" --help) || { echo "FAIL: $bin --help exited $?"; exit 1; }

# 1. Lint. Warnings and worse only: the style level also reports every Xr page that is not
# installed on the machine running the test, which says nothing about the page itself.
lint=$(mandoc -Tlint -W warning "$page" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$lint" ]; then
        bad "mandoc -Tlint -W warning $page (exit status $rc):"
        printf '%s\n' "$lint"
fi

# 2. Options. Every Fl argument that is a long option, on every macro line (Fl takes several
# flags: ".Fl -a -b"; it may follow other macros on the line: ".Op Fl -x | Fl -y").
page_long=$(awk '
        /^\./ {
                in_fl = 0
                for (i = 1; i <= NF; i++) {
                        if ($i == "Fl" || $i == ".Fl") { in_fl = 1; continue }
                        if (in_fl && $i ~ /^-[a-z]/) {
                                print "-" $i
                                continue
                        }
                        in_fl = 0
                }
        }' "$page" | sed -E 's/[^a-z0-9-].*$//' | sort -u)
help_long=$(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)

for o in $help_long; do
        grep -qxF -- "$o" <<<"$page_long" || bad "--help has $o, the page has no \".Fl ${o#-}\""
done
for o in $page_long; do
        grep -qxF -- "$o" <<<"$help_long" || bad "the page has \"Fl ${o#-}\", which --help does not know"
done
# Short forms: "  -k, --key KEY" in --help is ".It Fl k , Fl -key" in the page.
while read -r short long; do
        grep -qE "^\.It Fl ${short#-} , Fl ${long#-}( |$)" "$page" ||
                bad "--help has $short, $long; the page has no \".It Fl ${short#-} , Fl ${long#-}\""
done < <(printf '%s\n' "$help" | sed -nE 's/^ +(-[a-zA-Z]), (--[a-z][a-z0-9-]*).*/\1 \2/p')

# 3. SYNOPSIS against the usage lines, as rendered, one for one. Case (OPTIONS, VERSION are
# Ar options, Ar version in mdoc) and spacing are not compared.
usage=$(printf '%s\n' "$help" | awk '/^Usage:/ { u = 1; sub(/^Usage:/, "") } u && /^$/ { exit } u')
synopsis=$(mandoc -Tascii -O width=1000 "$page" | sed 's/.\x08//g' |
           awk '/^SYNOPSIS/ { s = 1; next } s && /^[A-Z]/ { exit } s && NF')
norm() { tr -d ' \t' | tr 'A-Z' 'a-z'; }

n_usage=$(printf '%s\n' "$usage" | grep -c .)
n_syn=$(printf '%s\n' "$synopsis" | grep -c .)
if [ "$n_usage" -ne "$n_syn" ]; then
        bad "--help has $n_usage usage lines, the SYNOPSIS $n_syn"
fi
for i in $(seq 1 "$n_usage"); do
        u=$(printf '%s\n' "$usage" | sed -n "${i}p")
        s=$(printf '%s\n' "$synopsis" | sed -n "${i}p")
        # The mode flag first, for a clear message; then the whole line.
        mode=$(printf '%s\n' "$u" | awk '{ if ($2 ~ /^--/ && $2 !~ /^--no-/) print $2 }')
        if [ -n "$mode" ] && ! grep -qF -- "$mode" <<<"$synopsis"; then
                bad "usage line $i is the mode $mode, which the SYNOPSIS does not show"
        elif [ "$(norm <<<"$u")" != "$(norm <<<"$s")" ]; then
                bad "usage line $i differs from SYNOPSIS line $i:"
                echo "  --help:   $(sed -E 's/^ +//' <<<"$u")"
                echo "  SYNOPSIS: $(sed -E 's/^ +//' <<<"$s")"
        fi
done

if [ $fail -eq 0 ]; then
        echo "ok: $page: lint clean, $(wc -w <<<"$help_long") long options, $n_usage usage lines match --help"
fi
exit $fail
