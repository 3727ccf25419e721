# The mini kernel of the tree tests (sourced, sh): compiles SRC_DIR's
# core.c, user.c, mod-a.c and mod-b.c into $tmp: a vmlinux linked with
# --emit-relocs, and mods/mod-a.ko, mods/mod-b.ko, all with header inlines
# from include/linux/mini.h and PREL32 export tables as 4.19+ x86-64 kernels
# have them. Needs $src, $fxsrc and $tmp; leaves the objects in $tmp, or
# in $mk_out when set, compiled by $mk_cc (default gcc; clang for the
# DWARF clang writes).
cflags="-O2 -g -DKA_ENC_PREL32 -fno-pic -fno-asynchronous-unwind-tables -I$fxsrc -Iinclude"
mk_dir=${mk_out:-$tmp}
mkdir -p "$mk_dir"
(cd "$src" && for f in core user mod-a mod-b; do
	# shellcheck disable=SC2086
	${mk_cc:-gcc} $cflags -c "$f.c" -o "$mk_dir/$f.o"
done)
ld --emit-relocs -e 0 -T "$fxsrc/vmlinux.lds" -o "$mk_dir/vmlinux" "$mk_dir/core.o" "$mk_dir/user.o"
mkdir "$mk_dir/mods"
ld -r -T "$fxsrc/module.lds" -o "$mk_dir/mods/mod-a.ko" "$mk_dir/mod-a.o"
ld -r -T "$fxsrc/module.lds" -o "$mk_dir/mods/mod-b.ko" "$mk_dir/mod-b.o"
