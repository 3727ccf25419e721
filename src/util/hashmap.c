/* Open-addressing string hash map (FNV-1a, linear probing). */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/hashmap.h"

uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static struct hashmap_slot *find(const struct hashmap *m, const char *key,
				 uint32_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct hashmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
	}
}

void *hashmap_get(const struct hashmap *m, const char *key)
{
	struct hashmap_slot *s;
	if (!m->cap)
		return NULL;
	s = find(m, key, hash_str(key));
	return s->key ? s->value : NULL;
}

static void grow(struct hashmap *m)
{
	struct hashmap old = *m;
	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	free(old.slots);
}

void *hashmap_put(struct hashmap *m, const char *key, void *value)
{
	uint32_t h = hash_str(key);
	struct hashmap_slot *s;
	void *prev;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, key, h);
	if (!s->key) {
		s->key = key;
		s->hash = h;
		s->value = value;
		m->n++;
		return NULL;
	}
	prev = s->value;
	s->key = key;
	s->value = value;
	return prev;
}

void hashmap_free(struct hashmap *m)
{
	if (!m)
		return;
	free(m->slots);
	*m = (struct hashmap){0};
}
