package dev.ssejaxrs.broadcast;

/**
 * What publishing one event did, once it was handed to every current subscriber's queue (with the registry on
 * Redis: once Redis stored it; each node's reader then hands it to that node's subscribers, so {@code delivered}
 * and {@code dropped} are 0 there).
 *
 * @param id the event's id (assigned by the registry unless the event had one)
 * @param delivered how many subscriber connections took it into their queue
 * @param queued 1 when it waits in an offline recipient's queue (with Redis: offline on every node), else 0
 * @param dropped how many events were lost for it: older events it pushed out of subscribers' queues (the
 *     slow-consumer policy, by count or by bytes) or out of an offline recipient's queue, and this one for each
 *     subscriber that refused it
 */
public record Delivery(String id, int delivered, int queued, int dropped) {
}
