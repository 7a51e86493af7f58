#!/usr/bin/env bash
# Installs clopt into a temporary prefix and builds the example program of docs/library.md against
# it twice, with pkg-config and with CMake's find_package(clopt), then runs both.
# usage: tests/install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(dirname "$(find "$tmp/prefix" -name libclopt.so -print -quit)")

# The example is docs/library.md's, so the guide cannot drift from the API.
awk '/<!-- example: train.c -->/{f=1;next} f&&/^```c/{next} f&&/^```/{exit} f' \
  "$src/docs/library.md" >"$tmp/train.c"
grep -q clopt_optimizer_step "$tmp/train.c"

PKG_CONFIG_PATH="$libdir/pkgconfig" cc -std=c11 -Wall -Wextra -Werror -o "$tmp/train-pc" \
  "$tmp/train.c" $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs clopt) \
  -Wl,-rpath,"$libdir"
"$tmp/train-pc" | tee "$tmp/out-pc"

mkdir "$tmp/consumer"
cp "$tmp/train.c" "$tmp/consumer/"
cat >"$tmp/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(clopt REQUIRED)
add_executable(train train.c)
target_link_libraries(train PRIVATE clopt::clopt)
CM
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_BUILD_RPATH="$libdir" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
"$tmp/consumer/build/train" >"$tmp/out-cmake"
cmp "$tmp/out-pc" "$tmp/out-cmake"
grep -q "every optimizer reduced the loss" "$tmp/out-pc"

# `man clopt` finds the installed page, and the bash completion is where bash-completion
# looks for it (<datadir>/bash-completion/completions/<command>) and defines _clopt.
MANPATH="$tmp/prefix/share/man" MANWIDTH=80 man clopt >"$tmp/man.txt"
grep -q "^EXIT STATUS" "$tmp/man.txt"
grep -q "^   clopt train" "$tmp/man.txt"
bash -c "source '$tmp/prefix/share/bash-completion/completions/clopt' && complete -p clopt" |
  grep -q -- "-F _clopt clopt"
echo "installed: clopt(1) and the bash completion"
