#!/bin/sh
# A hostile QEMU: a greeting nested a million levels deep
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
printf "{\"QMP\": " >&"$fd"
head -c 1000000 /dev/zero | tr "\0" "[" >&"$fd"
echo >&"$fd"
exec sleep 600
