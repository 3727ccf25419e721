/* String-keyed hash map. Keys are borrowed: they must outlive the map. */
#pragma once

#include "ksymaudit/common.h"

struct hashmap {
	struct hashmap_slot {
		const char *key;
		uint32_t hash;
		void *value;
	} *slots;
	size_t n, cap; /* cap is a power of two */
};

uint32_t hash_str(const char *s);
/* Returns the value stored for key, or NULL. */
void *hashmap_get(const struct hashmap *m, const char *key);
/* Stores value for key; returns the value it replaced, or NULL. */
void *hashmap_put(struct hashmap *m, const char *key, void *value);
/* NULL or zeroed: nothing; leaves *m zeroed (values are the caller's). */
void hashmap_free(struct hashmap *m);

#define hashmap_foreach(m, slot)                                               \
	for (struct hashmap_slot *slot = (m)->slots;                           \
	     (m)->slots && slot < (m)->slots + (m)->cap; slot++)               \
		if (slot->key)
