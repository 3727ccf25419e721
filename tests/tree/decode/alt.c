/*
 * Linked before refs.c into one relocatable object (tests/tree/
 * test-decode.sh), as `ld -r` builds vmlinux.o and a module of several
 * objects: on arm64 an alternative whose replacement code the assembler
 * puts into a subsection of .text itself, so that in the combined .text
 * all of refs.c's code comes after a replacement. The references there
 * are still plain calls and data references, not replacement code.
 * Also two ADRP pairs a linear sweep loses unless it knows better, as GCC
 * emits them in the kernel: the low half after a call that keeps the
 * register (-fipa-ra), and after an early return's epilogue restored the
 * register from the stack.
 */
int alt_counter;

__attribute__((noinline)) int alt_user(int x)
{
#if defined(__aarch64__)
	asm volatile("661: nop\n\t"
		     ".subsection 1\n\t"
		     "663: nop\n\t"
		     ".previous\n\t"
		     ".pushsection .altinstructions, \"a\"\n\t"
		     ".word 661b - .\n\t"
		     ".word 663b - .\n\t"
		     ".hword 0\n\t"
		     ".byte 4, 4\n\t"
		     ".popsection");
#endif
	return x + alt_counter;
}

#if defined(__aarch64__)
asm(".text\n"
    ".globl alt_after_call\n"
    ".type alt_after_call, %function\n"
    "alt_after_call:\n\t"
    "stp x29, x30, [sp, #-16]!\n\t"
    "adrp x2, alt_counter\n\t"
    "bl alt_user\n\t"
    "ldr w0, [x2, :lo12:alt_counter]\n\t"
    "ldp x29, x30, [sp], #16\n\t"
    "ret\n"
    ".size alt_after_call, . - alt_after_call\n"
    ".globl alt_after_return\n"
    ".type alt_after_return, %function\n"
    "alt_after_return:\n\t"
    "stp x21, x22, [sp, #-16]!\n\t"
    "adrp x22, alt_counter\n\t"
    "cbz w0, 1f\n\t"
    "ldp x21, x22, [sp], #16\n\t"
    "ret\n"
    "1:\tldr w0, [x22, :lo12:alt_counter]\n\t"
    "ldp x21, x22, [sp], #16\n\t"
    "ret\n"
    ".size alt_after_return, . - alt_after_return\n");
int alt_after_call(int x);
int alt_after_return(int x);
int alt_entry(int x) { return alt_after_call(x) + alt_after_return(x); }
#endif
