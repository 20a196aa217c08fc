#!/usr/bin/env bash
# Drive the real app (real model, bundled seeds) in a real terminal: tmux at 100x30.
# Prints each screen it sees; exits 1 if the 4,000 answer or the source view does not show.
# Usage: tests/tui/tmux_check.sh [QA_HOME]   (default: a fresh temporary folder, so the seed index is built)
set -euo pipefail
cd "$(dirname "$0")/../.."
home="${1:-$(mktemp -d)}"
session="qa-check-$$"
screen() { tmux capture-pane -t "$session" -p; }
wait_for() {  # wait_for TEXT SECONDS: poll the screen until TEXT shows
    local deadline=$((SECONDS + $2))
    until screen | grep -qF -- "$1"; do
        if ((SECONDS >= deadline)); then echo "timed out waiting for: $1" >&2; screen >&2; return 1; fi
        sleep 0.1
    done
}
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
start=$(date +%s.%N)
tmux new-session -d -s "$session" -x 100 -y 30 "QA_HOME='$home' .venv/bin/qa tui"
wait_for "Ask a question" 5
echo "first paint after $(echo "$(date +%s.%N) - $start" | bc) s"
wait_for "ready" 180
echo "model and index loaded after $(echo "$(date +%s.%N) - $start" | bc) s"
asked=$(date +%s.%N)
tmux send-keys -t "$session" "how many workers?" Enter
wait_for "4,000" 10
echo "answer shown $(echo "$(date +%s.%N) - $asked" | bc) s after Enter"
screen
tmux send-keys -t "$session" Enter
wait_for "g Cited" 5
sleep 0.3
echo "--- source view ---"
screen
screen | grep -qE "^ +[0-9]+ .*4,000" || { echo "the cited line is not on screen" >&2; exit 1; }
tmux send-keys -t "$session" Escape
wait_for "Passages" 5
tmux send-keys -t "$session" C-q  # letters typed in a list go to the question box: Ctrl+Q quits
sleep 0.5
if tmux has-session -t "$session" 2>/dev/null && screen | grep -qF "Passages"; then
    echo "Ctrl+Q did not quit" >&2; exit 1
fi
# Type-ahead: a question typed 0.2 s after launch, before the first paint, is kept and answered.
tmux kill-session -t "$session" 2>/dev/null || true
tmux new-session -d -s "$session" -x 80 -y 24 "QA_HOME='$home' .venv/bin/qa tui"
sleep 0.2
tmux send-keys -t "$session" "how many workers?" Enter
wait_for "4,000" 60
echo "--- typed 0.2 s after launch, at 80x24 ---"
screen
tmux kill-session -t "$session"
echo "ok"
