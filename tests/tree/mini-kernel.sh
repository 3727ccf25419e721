# The mini kernel of the tree tests (sourced, sh): compiles SRC_DIR's
# core.c, user.c, mod-a.c and mod-b.c into $tmp: a vmlinux linked with
# --emit-relocs, and mods/mod-a.ko, mods/mod-b.ko, all with header inlines
# from include/linux/mini.h and PREL32 export tables as 4.19+ x86-64 kernels
# have them. Needs $src, $fxsrc and $tmp; leaves the objects in $tmp.
cflags="-O2 -g -DKA_ENC_PREL32 -fno-pic -fno-asynchronous-unwind-tables -I$fxsrc -Iinclude"
(cd "$src" && for f in core user mod-a mod-b; do
	# shellcheck disable=SC2086
	gcc $cflags -c "$f.c" -o "$tmp/$f.o"
done)
ld --emit-relocs -e 0 -T "$fxsrc/vmlinux.lds" -o "$tmp/vmlinux" "$tmp/core.o" "$tmp/user.o"
mkdir "$tmp/mods"
ld -r -T "$fxsrc/module.lds" -o "$tmp/mods/mod-a.ko" "$tmp/mod-a.o"
ld -r -T "$fxsrc/module.lds" -o "$tmp/mods/mod-b.ko" "$tmp/mod-b.o"
