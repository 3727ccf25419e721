/*
 * A fixture for the decoder (tests/tree/test-decode.sh): calls, tail calls,
 * data references (global, static, arrays indexed by a register, fields of
 * an object) and static keys in the kernel's own __jump_table layout
 * ({s32 code, s32 target, long key}, each relative to its field), built
 * for x86-64 and arm64, once relocatable (the truth) and once linked and
 * stripped of relocations (decoded).
 */
struct key { int enabled; long type; };
struct ops { int (*read)(int); int max_id; };

struct key feature_key = { 1, 0 };
static struct key local_key;
int counter;
static int table[64];
static const unsigned char ctype[256] = { 1, 2, 3 };
struct ops the_ops = { 0, 255 };
struct ops *ops_ptr = &the_ops;
long big[1024];

#if defined(__x86_64__)
#define JUMP_ENTRY ".balign 8\n\t.long 1b - .\n\t.long %l[yes] - .\n\t.quad %c0 - .\n\t"
#define NOP ".byte 0x0f,0x1f,0x44,0x00,0x00\n\t"
#else
#define JUMP_ENTRY ".balign 8\n\t.long 1b - .\n\t.long %l[yes] - .\n\t.quad %c0 - .\n\t"
#define NOP "nop\n\t"
#endif

static inline __attribute__((always_inline)) int key_on(struct key *k)
{
	asm goto("1: " NOP ".pushsection __jump_table, \"aw\"\n\t" JUMP_ENTRY
		 ".popsection\n\t" : : "i"(k) : : yes);
	return 0;
yes:
	return 1;
}

__attribute__((noinline)) int leaf(int x) { return x * 3 + counter; }
__attribute__((noinline)) static int helper(int x) { return table[x & 63] + leaf(x); }
__attribute__((noinline)) int reader(int x) { return ctype[x & 255] + ops_ptr->max_id; }
__attribute__((noinline)) int max_id(void) { return the_ops.max_id; }
__attribute__((noinline)) long sum(int n)
{
	long s = 0;
	for (int i = 0; i < n; i++)
		s += big[i] + table[i & 63];
	return s;
}
__attribute__((noinline)) int keyed(int x)
{
	if (key_on(&feature_key))
		x += helper(x);
	if (key_on(&local_key))
		x -= leaf(x);
	return x;
}
__attribute__((noinline)) int tail(int x) { return reader(x + 1); }
__attribute__((noinline)) void store(int x) { counter = x; table[x & 63] = x; local_key.enabled = x; }
__attribute__((noinline)) int *addr_of(void) { return &counter; }
__attribute__((noinline)) int (*fn_ptr(void))(int) { return leaf; }

void entry(void)
{
	store(keyed(leaf(1)) + tail(2) + max_id() + (int)sum(8) + *addr_of() +
	      fn_ptr()(3));
	for (;;)
		;
}
