#!/bin/bash
# tests/COVERAGE.md must be what tests/coverage-table.sh prints now.
set -u
dir=$(dirname "$0")
if diff -u "$dir/COVERAGE.md" <(bash "$dir/coverage-table.sh" "$dir"); then
        echo "1 passed, 0 failed"
else
        echo "FAIL: tests/COVERAGE.md is out of date: run tests/coverage-table.sh > tests/COVERAGE.md"
        echo "0 passed, 1 failed"
        exit 1
fi
