#!/bin/sh
# A hostile QEMU: 10 MB on stderr with terminal escapes, then exits: a bounded, printable tail
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
head -c 10000000 /dev/zero | tr "\0" "A" >&2
printf "\033[31mred\033[0m \001\002 bell\007 end\n" >&2
exit 1
