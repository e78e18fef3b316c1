#!/usr/bin/env bash
# Posts a Markdown file as one pull-request comment and, on later runs, edits that comment instead of adding
# another (it is found by the marker on the file's first line, e.g. <!-- gitops-plan -->).
#   scripts/sticky-comment.sh <pull-request-number> <file>      needs GH_TOKEN and GITHUB_REPOSITORY
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <pull-request-number> <file>" >&2; exit 2; }
pr="$1" file="$2"
marker="$(head -n 1 "$file")"
existing="$(gh api "repos/$GITHUB_REPOSITORY/issues/$pr/comments" --paginate \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id")"
existing="${existing%%$'\n'*}" # the first one; not `head`, whose early exit breaks the pipe under pipefail
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$file" > /dev/null
  echo "updated comment $existing on #$pr"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$file" > /dev/null
  echo "commented on #$pr"
fi
