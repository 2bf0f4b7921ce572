#!/bin/sh
# The documentation cannot drift from the code: docs/reference.md is what
# docs/reference.sh prints from `latdiff VERB -help` and the headers, and
# the README's verb list names every verb the driver knows.
. "$top_srcdir/tests/tap.sh"
check "docs/reference.md is up to date (sh docs/reference.sh ./latdiff > docs/reference.md)" sh -c "
  sh '$top_srcdir/docs/reference.sh' '$LATDIFF' > '$workdir/ref.md' && diff -u '$top_srcdir/docs/reference.md' '$workdir/ref.md'"
check "the README lists every verb of latdiff's usage" sh -c "
  $LATDIFF help | awk '/^  [a-z]/ {print \$1}' > '$workdir/verbs' && test -s '$workdir/verbs' &&
  while read -r v; do grep -q \"latdiff \$v\" '$top_srcdir/README.md' || { echo \"README lacks \$v\"; exit 1; }; done < '$workdir/verbs'"
check "the README is a front door (at most 150 lines)" sh -c "test \$(wc -l < '$top_srcdir/README.md') -le 150"
finish
