#!/bin/sh
# Checks that every translatable string in the sources listed by po/POTFILES.in is in each
# translation named by po/LINGUAS (the "up to date" test): a string added to the code but not to
# the .po files would otherwise ship untranslated without any test noticing. Prints the missing
# messages and fails. Fix by updating po/heapglass.pot (ninja heapglass-pot) and merging it into
# each language (msgmerge --update po/LANG.po po/heapglass.pot), then translating.
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# The same keywords as meson's i18n.gettext(preset: 'glib').
if ! xgettext --package-name=heapglass --from-code=UTF-8 --add-comments \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --keyword=ngettext:1,2 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
    --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
    --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
    -D . -f po/POTFILES.in -o "$tmp/current.pot" 2>"$tmp/xgettext.log"; then
  cat "$tmp/xgettext.log"
  exit 2
fi
status=0
for lang in $(cat po/LINGUAS); do
  if ! msgcmp --use-untranslated "po/$lang.po" "$tmp/current.pot" 2>"$tmp/$lang.log"; then
    echo "po/$lang.po lacks strings the sources use:"
    head -40 "$tmp/$lang.log"
    status=1
  fi
done
exit $status
