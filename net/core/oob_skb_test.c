// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: the oob head pool, oob storage
 * and the free hook on every release path.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/oob_stage.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/types.h>

#include "oob_test.h"

/* Order 1: one slow allocation per page, and not PAGE_SIZE storage. */
#define OOB_SKB_TEST_ORDER	1
#define OOB_SKB_TEST_STORAGE	(PAGE_SIZE << OOB_SKB_TEST_ORDER)
#define OOB_SKB_TEST_HEADROOM	64
#define OOB_SKB_TEST_LIST	20

static struct oob_skb_test {
	struct page_pool *pool;
	bool registered;
	unsigned int free_heads;
	/* Calls to the companion's free_skb. */
	atomic_t freed;
	/* Calls to the destructor of the test skbs: one per release. */
	atomic_t destructed;
} oob_skb;

static void oob_skb_test_free(struct sk_buff *skb)
{
	atomic_inc(&oob_skb.freed);
	finalize_skb_inband(skb);
}

static const struct net_oob_ops oob_skb_test_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-skb",
	.free_skb = oob_skb_test_free,
};

static void oob_skb_test_destructor(struct sk_buff *skb)
{
	atomic_inc(&oob_skb.destructed);
}

static struct sk_buff *oob_skb_test_watch(struct sk_buff *skb)
{
	skb->destructor = oob_skb_test_destructor;
	return skb;
}

/* An ordinary skb. */
static struct sk_buff *oob_skb_test_plain(struct kunit *test)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, 64);
	return oob_skb_test_watch(skb);
}

/* An oob head sharing ordinary data, as the companion clones packets. */
static struct sk_buff *oob_skb_test_head(struct kunit *test)
{
	struct sk_buff *orig, *skb;

	orig = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	skb_put_zero(orig, 64);
	skb = get_oob_skb();
	if (!skb)
		kfree_skb(orig);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_morph(skb, orig);
	consume_skb(orig);
	KUNIT_EXPECT_TRUE(test, skb_is_oob(skb));
	KUNIT_EXPECT_FALSE(test, skb_has_oob_storage(skb));
	return oob_skb_test_watch(skb);
}

/* An oob head on oob storage. */
static struct sk_buff *oob_skb_test_storage(struct kunit *test)
{
	struct sk_buff *skb;

	skb = skb_build_oob(oob_skb.pool, OOB_SKB_TEST_HEADROOM);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, 64);
	return oob_skb_test_watch(skb);
}

/* Waits for the skbs released so far to be gone, deferred ones included. */
static void oob_skb_test_wait(struct kunit *test, int destructed)
{
	int n;

	for (n = 0; n < 250; n++) {
		if (atomic_read(&oob_skb.destructed) >= destructed)
			break;
		msleep(20);
	}
	KUNIT_ASSERT_EQ(test, atomic_read(&oob_skb.destructed), destructed);
}

static void oob_skb_test_expect_heads_back(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, oob_skb_available(), oob_skb.free_heads);
}

/*
 * Tells whether every page the pool holds is back in it.  A page in
 * flight makes the pool allocate a new one to give as many as it holds.
 */
static bool oob_skb_test_pool_idle(struct kunit *test)
{
	struct page_pool *pool = oob_skb.pool;
	u32 hold = READ_ONCE(pool->pages_state_hold_cnt);
	u32 n, nr = hold - atomic_read(&pool->pages_state_release_cnt);
	struct page **pages;
	bool idle = true;

	if (!nr)
		return true;
	pages = kunit_kcalloc(test, nr, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (n = 0; n < nr; n++) {
		pages[n] = page_pool_dev_alloc_pages(pool);
		if (!pages[n]) {
			idle = false;
			break;
		}
	}
	if (READ_ONCE(pool->pages_state_hold_cnt) != hold)
		idle = false;
	while (n--)
		page_pool_put_full_page(pool, pages[n], false);

	return idle;
}

static int oob_skb_test_init(struct kunit *test)
{
	struct page_pool_params pp = {
		.order = OOB_SKB_TEST_ORDER,
		.pool_size = 16,
		.nid = NUMA_NO_NODE,
	};
	struct page_pool *pool;
	int ret;

	if (net_oob_companion())
		kunit_skip(test, "a companion core is registered already");
	if (!sysctl_max_oob_skb)
		kunit_skip(test, "no oob skb heads (max_oob_skb=0)");

	memset(&oob_skb, 0, sizeof(oob_skb));

	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	oob_skb.pool = pool;

	ret = net_oob_register(&oob_skb_test_ops);
	if (ret) {
		page_pool_destroy(pool);
		oob_skb.pool = NULL;
		return ret;
	}
	oob_skb.registered = true;
	/* The first registration fills the pool. */
	oob_skb.free_heads = oob_skb_available();

	return 0;
}

static void oob_skb_test_exit(struct kunit *test)
{
	if (oob_skb.registered)
		net_oob_unregister(&oob_skb_test_ops);
	oob_skb.registered = false;
	if (oob_skb.pool)
		page_pool_destroy(oob_skb.pool);
	oob_skb.pool = NULL;
}

/* Each get takes one head, an empty pool gives none, each put returns one. */
static void oob_skb_test_head_pool(struct kunit *test)
{
	unsigned int n = 0, miscounted = 0;
	struct sk_buff *skb, *list = NULL;
	u32 hold;

	/* Nothing holds a head at boot. */
	KUNIT_EXPECT_EQ(test, oob_skb.free_heads, sysctl_max_oob_skb);

	skb = get_oob_skb();
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, oob_skb_available(), oob_skb.free_heads - 1);
	KUNIT_EXPECT_TRUE(test, skb_is_oob(skb));
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1);
	KUNIT_EXPECT_NULL(test, skb->head);
	put_oob_skb(skb);
	oob_skb_test_expect_heads_back(test);

	while ((skb = get_oob_skb())) {
		skb->next = list;
		list = skb;
		n++;
		if (oob_skb_available() != oob_skb.free_heads - n)
			miscounted++;
	}
	KUNIT_EXPECT_EQ(test, miscounted, 0U);
	KUNIT_EXPECT_EQ(test, n, oob_skb.free_heads);
	KUNIT_EXPECT_EQ(test, oob_skb_available(), 0U);
	KUNIT_EXPECT_NULL(test, get_oob_skb());

	/* No head: skb_build_oob() takes no page either. */
	hold = oob_skb.pool->pages_state_hold_cnt;
	skb = skb_build_oob(oob_skb.pool, 0);
	KUNIT_EXPECT_NULL(test, skb);
	if (skb)
		kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, oob_skb.pool->pages_state_hold_cnt, hold);

	while (list) {
		skb = list;
		list = skb->next;
		put_oob_skb(skb);
	}
	oob_skb_test_expect_heads_back(test);
}

struct oob_skb_test_release {
	const char *name;
	void (*release)(struct sk_buff *skb);
};

static void oob_skb_test_kfree_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

static void oob_skb_test_kfree_skb_reason(struct sk_buff *skb)
{
	kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
}

static void oob_skb_test_consume_skb(struct sk_buff *skb)
{
	consume_skb(skb);
}

static void oob_skb_test___kfree_skb(struct sk_buff *skb)
{
	__kfree_skb(skb);
}

static void oob_skb_test_kfree_skb_list(struct sk_buff *skb)
{
	kfree_skb_list(skb);
}

static void oob_skb_test_napi_consume_nobudget(struct sk_buff *skb)
{
	napi_consume_skb(skb, 0);
}

static void oob_skb_test_napi_consume(struct sk_buff *skb)
{
	local_bh_disable();
	napi_consume_skb(skb, 64);
	local_bh_enable();
}

static void oob_skb_test___napi_kfree_skb(struct sk_buff *skb)
{
	local_bh_disable();
	__napi_kfree_skb(skb, SKB_CONSUMED);
	local_bh_enable();
}

static void oob_skb_test_dev_kfree_skb_any(struct sk_buff *skb)
{
	dev_kfree_skb_any(skb);
}

/* Through the completion queue and net_tx_action(). */
static void oob_skb_test_dev_kfree_skb_any_irqoff(struct sk_buff *skb)
{
	unsigned long flags;

	local_irq_save(flags);
	dev_kfree_skb_any(skb);
	local_irq_restore(flags);
}

static void oob_skb_test_dev_kfree_skb_irq(struct sk_buff *skb)
{
	unsigned long flags;

	local_irq_save(flags);
	dev_kfree_skb_irq(skb);
	local_irq_restore(flags);
}

/* The skb was allocated here: freed at once, through __napi_kfree_skb(). */
static void oob_skb_test_defer_free(struct sk_buff *skb)
{
	skb_orphan(skb);
	migrate_disable();
	skb->alloc_cpu = raw_smp_processor_id();
	skb_attempt_defer_free(skb);
	migrate_enable();
}

/* As UDP does: the head state goes first, without being cleared. */
static void oob_skb_test_consume_stateless(struct sk_buff *skb)
{
	skb_release_head_state(skb);
	__consume_stateless_skb(skb);
}

static void oob_skb_test_kfree_skb_partial(struct sk_buff *skb)
{
	kfree_skb_partial(skb, false);
}

static const struct oob_skb_test_release oob_skb_test_releases[] = {
	{ "kfree_skb", oob_skb_test_kfree_skb },
	{ "kfree_skb_reason", oob_skb_test_kfree_skb_reason },
	{ "consume_skb", oob_skb_test_consume_skb },
	{ "__kfree_skb", oob_skb_test___kfree_skb },
	{ "kfree_skb_list", oob_skb_test_kfree_skb_list },
	{ "napi_consume_skb_budget0", oob_skb_test_napi_consume_nobudget },
	{ "napi_consume_skb", oob_skb_test_napi_consume },
	{ "__napi_kfree_skb", oob_skb_test___napi_kfree_skb },
	{ "dev_kfree_skb_any", oob_skb_test_dev_kfree_skb_any },
	{ "dev_kfree_skb_any_irqoff", oob_skb_test_dev_kfree_skb_any_irqoff },
	{ "dev_kfree_skb_irq", oob_skb_test_dev_kfree_skb_irq },
	{ "skb_attempt_defer_free", oob_skb_test_defer_free },
	{ "__consume_stateless_skb", oob_skb_test_consume_stateless },
	{ "kfree_skb_partial", oob_skb_test_kfree_skb_partial },
};

static void oob_skb_test_release_desc(const struct oob_skb_test_release *r,
				      char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(oob_skb_test_release, oob_skb_test_releases,
		  oob_skb_test_release_desc);

/*
 * Per release path: the companion gets each oob skb exactly once, and
 * never an ordinary one; heads and pages all come back.
 */
static void oob_skb_test_release_path(struct kunit *test)
{
	const struct oob_skb_test_release *r = test->param_value;
	struct sk_buff *skb, *clone;

	r->release(oob_skb_test_plain(test));
	oob_skb_test_wait(test, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 0);

	r->release(oob_skb_test_head(test));
	oob_skb_test_wait(test, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 1);
	oob_skb_test_expect_heads_back(test);

	r->release(oob_skb_test_storage(test));
	oob_skb_test_wait(test, 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 2);
	oob_skb_test_expect_heads_back(test);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));

	/* An ordinary head sharing oob storage goes to the companion too. */
	skb = oob_skb_test_storage(test);
	clone = skb_clone(skb, GFP_KERNEL);
	if (!clone)
		kfree_skb(skb);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_EXPECT_FALSE(test, skb_is_oob(clone));
	KUNIT_EXPECT_TRUE(test, skb_has_oob_storage(clone));
	r->release(oob_skb_test_watch(clone));
	oob_skb_test_wait(test, 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 3);
	kfree_skb(skb);
	oob_skb_test_wait(test, 5);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 4);
	oob_skb_test_expect_heads_back(test);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
}

/* The bulk path, across more than one bulk, with every kind mixed. */
static void oob_skb_test_list_mixed(struct kunit *test)
{
	struct sk_buff *skb, *list = NULL;
	int n, oob = 0;

	for (n = 0; n < OOB_SKB_TEST_LIST; n++) {
		if (n % 7 == 3) {
			skb = oob_skb_test_storage(test);
			oob++;
		} else if (n % 4 == 0) {
			skb = oob_skb_test_head(test);
			oob++;
		} else {
			skb = oob_skb_test_plain(test);
		}
		skb->next = list;
		list = skb;
	}

	kfree_skb_list(list);
	oob_skb_test_wait(test, OOB_SKB_TEST_LIST);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), oob);
	oob_skb_test_expect_heads_back(test);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
}

/* Only the last reference counts. */
static void oob_skb_test_shared(struct kunit *test)
{
	struct sk_buff *skb = oob_skb_test_head(test);

	skb_get(skb);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.destructed), 0);
	consume_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.destructed), 1);
	oob_skb_test_expect_heads_back(test);
}

/* With no companion the default releases oob skbs, heads to their pool. */
static void oob_skb_test_no_companion(struct kunit *test)
{
	struct sk_buff *head, *storage;

	head = oob_skb_test_head(test);
	storage = oob_skb_test_storage(test);
	net_oob_unregister(&oob_skb_test_ops);
	oob_skb.registered = false;

	kfree_skb(head);
	consume_skb(storage);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.destructed), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 0);
	oob_skb_test_expect_heads_back(test);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
}

/* A head whose data went to another skb goes back alone, unannounced. */
static void oob_skb_test_stolen_head(struct kunit *test)
{
	struct sk_buff *skb;

	skb = get_oob_skb();
	KUNIT_ASSERT_NOT_NULL(test, skb);
	kfree_skb_partial(skb, true);
	oob_skb_test_expect_heads_back(test);

	skb = get_oob_skb();
	KUNIT_ASSERT_NOT_NULL(test, skb);
	local_bh_disable();
	napi_skb_free_stolen_head(skb);
	local_bh_enable();
	oob_skb_test_expect_heads_back(test);

	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 0);
}

/* skb_build_oob(): the whole page, less the shared info, headroom first. */
static void oob_skb_test_storage_build(struct kunit *test)
{
	struct page_pool *pool = oob_skb.pool;
	u32 hold = pool->pages_state_hold_cnt;
	struct sk_buff *skb, *plain;
	struct page *page;

	skb = oob_skb_test_storage(test);
	KUNIT_EXPECT_EQ(test, pool->pages_state_hold_cnt, hold + 1);
	KUNIT_EXPECT_EQ(test, oob_skb_available(), oob_skb.free_heads - 1);
	KUNIT_EXPECT_TRUE(test, skb_is_oob(skb));
	KUNIT_EXPECT_TRUE(test, skb_has_oob_storage(skb));
	KUNIT_EXPECT_TRUE(test, skb->pp_recycle);
	KUNIT_EXPECT_TRUE(test, skb->head_frag);
	KUNIT_EXPECT_EQ(test, skb_headroom(skb), OOB_SKB_TEST_HEADROOM);
	KUNIT_EXPECT_EQ(test, skb_end_offset(skb),
			SKB_WITH_OVERHEAD(OOB_SKB_TEST_STORAGE));
	page = virt_to_head_page(skb->head);
	KUNIT_EXPECT_PTR_EQ(test, page->pp, pool);
	KUNIT_EXPECT_PTR_EQ(test, (void *)skb->head, page_address(page));

	/* The pool maps nothing. */
	KUNIT_EXPECT_EQ(test, skb_oob_storage_addr(skb), DMA_MAPPING_ERROR);

	plain = oob_skb_test_plain(test);
	KUNIT_EXPECT_EQ(test, skb_oob_storage_addr(plain), DMA_MAPPING_ERROR);
	kfree_skb(plain);

	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 1);
	oob_skb_test_expect_heads_back(test);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
}

/* A clone shares the storage: the page is back after the last release. */
static void oob_skb_test_storage_clone(struct kunit *test)
{
	struct sk_buff *skb, *clone;
	int order;

	for (order = 0; order < 2; order++) {
		skb = oob_skb_test_storage(test);
		clone = skb_clone(skb, GFP_KERNEL);
		if (!clone)
			kfree_skb(skb);
		KUNIT_ASSERT_NOT_NULL(test, clone);
		KUNIT_EXPECT_FALSE(test, skb_is_oob(clone));
		KUNIT_EXPECT_TRUE(test, skb_has_oob_storage(clone));
		KUNIT_EXPECT_EQ(test, skb_oob_storage_addr(clone),
				DMA_MAPPING_ERROR);

		kfree_skb(order ? clone : skb);
		KUNIT_EXPECT_FALSE(test, oob_skb_test_pool_idle(test));
		kfree_skb(order ? skb : clone);
		KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
		KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 2 * (order + 1));
		oob_skb_test_expect_heads_back(test);
	}
}

/* A new head is ordinary memory; the page goes back when it should. */
static void oob_skb_test_storage_expand_head(struct kunit *test)
{
	struct sk_buff *skb, *clone;

	skb = oob_skb_test_storage(test);
	KUNIT_ASSERT_EQ(test, pskb_expand_head(skb, 0, 0, GFP_KERNEL), 0);
	KUNIT_EXPECT_FALSE(test, skb_has_oob_storage(skb));
	KUNIT_EXPECT_TRUE(test, skb_is_oob(skb));
	KUNIT_EXPECT_EQ(test, skb_oob_storage_addr(skb), DMA_MAPPING_ERROR);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 1);
	oob_skb_test_expect_heads_back(test);

	/* Cloned: the old head stays with the clone. */
	skb = oob_skb_test_storage(test);
	clone = skb_clone(skb, GFP_KERNEL);
	if (!clone)
		kfree_skb(skb);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_ASSERT_EQ(test, pskb_expand_head(skb, 32, 0, GFP_KERNEL), 0);
	KUNIT_EXPECT_FALSE(test, skb_has_oob_storage(skb));
	KUNIT_EXPECT_TRUE(test, skb_has_oob_storage(clone));
	KUNIT_EXPECT_FALSE(test, oob_skb_test_pool_idle(test));
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 2);
	kfree_skb(clone);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 3);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
	oob_skb_test_expect_heads_back(test);
}

/* Clones and copies of oob skbs get ordinary heads and ordinary data. */
static void oob_skb_test_copies(struct kunit *test)
{
	struct sk_buff *skb, *clone, *copy, *pcopy, *dst;

	skb = oob_skb_test_storage(test);
	clone = skb_clone(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	KUNIT_EXPECT_FALSE(test, skb_is_oob(clone));
	kfree_skb(clone);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 1);

	copy = skb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_EXPECT_FALSE(test, skb_is_oob(copy));
	KUNIT_EXPECT_FALSE(test, skb_has_oob_storage(copy));
	kfree_skb(copy);

	pcopy = pskb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pcopy);
	KUNIT_EXPECT_FALSE(test, skb_is_oob(pcopy));
	KUNIT_EXPECT_FALSE(test, skb_has_oob_storage(pcopy));
	kfree_skb(pcopy);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 1);

	/* Morphing keeps the head's own mark, both ways. */
	dst = alloc_skb(0, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	skb_morph(dst, skb);
	KUNIT_EXPECT_FALSE(test, skb_is_oob(dst));
	KUNIT_EXPECT_TRUE(test, skb_has_oob_storage(dst));
	kfree_skb(dst);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 2);

	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb.freed), 3);
	oob_skb_test_expect_heads_back(test);
	KUNIT_EXPECT_TRUE(test, oob_skb_test_pool_idle(test));
}

static struct {
	atomic_t seen;
	bool oob;
	struct completion done;
} oob_skb_relayed;

static int oob_skb_test_inband(struct sk_buff *skb, struct net_device *dev,
			       struct packet_type *pt, struct net_device *orig)
{
	oob_skb_relayed.oob = skb_is_oob(skb);
	if (atomic_inc_return(&oob_skb_relayed.seen) == 1)
		complete(&oob_skb_relayed.done);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type oob_skb_test_ptype = {
	.type = htons(ETH_P_802_EX1),
	.func = oob_skb_test_inband,
};

/*
 * A packet on an oob head, declined on the oob stage (the test companion
 * has no deliver operation), is relayed in-band: the stack gets an
 * ordinary head with the same data, and the oob head is back at once.
 */
static void oob_skb_test_relay_clones(struct kunit *test)
{
	struct net_device *dev;
	struct sk_buff *skb;
	struct ethhdr *eth;

	atomic_set(&oob_skb_relayed.seen, 0);
	init_completion(&oob_skb_relayed.done);
	dev = oob_test_register_netdev("oobskb%d", false);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	oob_skb_test_ptype.dev = dev;
	dev_add_pack(&oob_skb_test_ptype);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(dev), 0);
	rtnl_unlock();

	skb = skb_build_oob(oob_skb.pool, OOB_SKB_TEST_HEADROOM);
	KUNIT_EXPECT_NOT_NULL(test, skb);
	if (skb) {
		eth = skb_put(skb, ETH_HLEN);
		ether_addr_copy(eth->h_dest, dev->dev_addr);
		eth_zero_addr(eth->h_source);
		eth->h_proto = htons(ETH_P_802_EX1);
		skb_put_zero(skb, 46);
		skb->protocol = eth_type_trans(skb, dev);
		oob_stage_enter();
		local_bh_disable();
		netif_receive_skb(skb);
		local_bh_enable();
		oob_stage_leave();
		KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&oob_skb_relayed.done, 5 * HZ),
				0UL);
		KUNIT_EXPECT_EQ(test, atomic_read(&oob_skb_relayed.seen), 1);
		KUNIT_EXPECT_FALSE(test, oob_skb_relayed.oob);
	}

	rtnl_lock();
	netif_disable_oob_diversion(dev);
	rtnl_unlock();
	dev_remove_pack(&oob_skb_test_ptype);
	oob_test_unregister_netdev(dev);
	oob_skb_test_expect_heads_back(test);
}

static struct kunit_case oob_skb_test_cases[] = {
	KUNIT_CASE(oob_skb_test_head_pool),
	KUNIT_CASE_PARAM(oob_skb_test_release_path,
			 oob_skb_test_release_gen_params),
	KUNIT_CASE(oob_skb_test_list_mixed),
	KUNIT_CASE(oob_skb_test_shared),
	KUNIT_CASE(oob_skb_test_no_companion),
	KUNIT_CASE(oob_skb_test_stolen_head),
	KUNIT_CASE(oob_skb_test_storage_build),
	KUNIT_CASE(oob_skb_test_storage_clone),
	KUNIT_CASE(oob_skb_test_storage_expand_head),
	KUNIT_CASE(oob_skb_test_copies),
	KUNIT_CASE(oob_skb_test_relay_clones),
	{}
};

static struct kunit_suite oob_skb_test_suite = {
	.name = "net_oob_skb",
	.init = oob_skb_test_init,
	.exit = oob_skb_test_exit,
	.test_cases = oob_skb_test_cases,
};

kunit_test_suites(&oob_skb_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: oob skb heads and storage");
MODULE_LICENSE("GPL");
