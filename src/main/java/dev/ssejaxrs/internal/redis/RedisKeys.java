package dev.ssejaxrs.internal.redis;

import dev.ssejaxrs.broadcast.Address;

/**
 * The names of the keys of one registry. Every key starts with the hash tag {@code {prefix}}, so all of them live
 * in one Redis Cluster slot: one {@code XREAD} can cover every address, and one script can give an event the same
 * id in several streams.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><td>{@code {p}:t:<topic>}, {@code {p}:r:<recipient>}</td><td>stream: an address's events (history and live
 *     transport)</td></tr>
 * <tr><td>{@code {p}:end:t:<topic>}, {@code {p}:end:r:<recipient>}</td><td>string: the last id of a complete
 *     address, for as long as it is kept</td></tr>
 * <tr><td>{@code {p}:q:<recipient>}</td><td>stream: a recipient's offline queue (same ids)</td></tr>
 * <tr><td>{@code {p}:on:<recipient>}</td><td>set: ids of the nodes with an open connection of the recipient</td></tr>
 * <tr><td>{@code {p}:w:<recipient>}</td><td>string: the recipient's cursor, the newest of its events a connection
 *     was given ({@link RecipientCursors})</td></tr>
 * <tr><td>{@code {p}:nodes}</td><td>sorted set: node id scored by when its presence lapses (Redis time, ms)</td></tr>
 * <tr><td>{@code {p}:clock}</td><td>hash: {@code last} id given out, {@code origin} first id of this stream epoch,
 *     {@code epoch} how many epochs began after one lost writes ({@link StreamEpoch})</td></tr>
 * <tr><td>{@code {p}:wake:<node>:<reader>}</td><td>stream: wakes a node's blocked reader when its address set
 *     changes</td></tr>
 * </table>
 */
public final class RedisKeys {
    private final String tag;

    RedisKeys(String prefix) {
        this.tag = "{" + prefix + "}:";
    }

    String stream(Address address) {
        return tag + (address.kind() == Address.Kind.TOPIC ? "t:" : "r:") + address.name();
    }

    /** The end key of a complete address: the id of its last event, for as long as it is kept. */
    String end(Address address) {
        return tag + "end:" + (address.kind() == Address.Kind.TOPIC ? "t:" : "r:") + address.name();
    }

    String queue(String recipient) {
        return tag + "q:" + recipient;
    }

    String presence(String recipient) {
        return tag + "on:" + recipient;
    }

    String cursor(String recipient) {
        return tag + "w:" + recipient;
    }

    String nodes() {
        return tag + "nodes";
    }

    String clock() {
        return tag + "clock";
    }

    String wake(String node, int reader) {
        return tag + "wake:" + node + ":" + reader;
    }
}
