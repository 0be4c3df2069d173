/* event_queue.c - a bounded FIFO of events between the engine and the
 * writer thread (pthread mutex + two condition variables). */
#include "cli/event_queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define QUEUE_BATCH 64

struct event_queue {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct event *ring;
	size_t cap, head, count;
	bool closing;
	bool draining;  /* the writer is emptying a batch */
	void (*consume)(void *ctx, const struct event *ev);
	void *ctx;
};

static void *writer_main(void *arg)
{
	struct event_queue *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		while ((q->count == 0 || (q->count < QUEUE_BATCH && !q->draining)) && !q->closing)
			pthread_cond_wait(&q->not_empty, &q->lock);
		q->draining = q->count > 1; /* keep going until the queue is empty */
		if (q->count == 0) { /* closing and drained */
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		struct event ev = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		if (q->count-- == q->cap) /* the engine may be waiting for room */
			pthread_cond_signal(&q->not_full);
		pthread_mutex_unlock(&q->lock);
		q->consume(q->ctx, &ev);
		json_decref(ev.evidence);
	}
}

struct event_queue *event_queue_start(size_t capacity, void (*consume)(void *ctx, const struct event *ev),
				      void *ctx)
{
	struct event_queue *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->ring = calloc(capacity ? capacity : 1, sizeof *q->ring);
	q->cap = capacity ? capacity : 1;
	q->consume = consume;
	q->ctx = ctx;
	if (!q->ring || pthread_mutex_init(&q->lock, NULL) != 0) {
		free(q->ring);
		free(q);
		return NULL;
	}
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
		pthread_cond_destroy(&q->not_empty);
		pthread_cond_destroy(&q->not_full);
		pthread_mutex_destroy(&q->lock);
		free(q->ring);
		free(q);
		return NULL;
	}
	return q;
}

void event_queue_push(struct event_queue *q, const struct event *ev)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap)
		pthread_cond_wait(&q->not_full, &q->lock);
	struct event *slot = &q->ring[(q->head + q->count) % q->cap];
	*slot = *ev;
	slot->evidence = json_incref(ev->evidence);
	/* wake the writer for a batch, not for every event: a wake-up costs more
	 * than writing one event (finish wakes it for the rest) */
	if (++q->count == QUEUE_BATCH || q->count == q->cap)
		pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

void event_queue_finish(struct event_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->closing = true;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}
