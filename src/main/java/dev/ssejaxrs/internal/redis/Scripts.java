package dev.ssejaxrs.internal.redis;

/**
 * The Lua scripts: each runs atomically in Redis, so an event gets one id, its stream entries and its queue entry
 * in one step, and a replay sees one consistent state. Ids come from Redis' clock, never a node's.
 */
public final class Scripts {
    private Scripts() {
    }

    private static final String IDS = """
            local function parse(id)
              local dash = string.find(id, '-', 1, true)
              return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
            end
            local function older(a, b)
              local am, as = parse(a)
              local bm, bs = parse(b)
              return am < bm or (am == bm and as < bs)
            end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local function newest(key)
              local top = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
              if #top > 0 then return top[1][1] end
              if redis.call('EXISTS', key) == 0 then return '' end
              local info = redis.call('XINFO', 'STREAM', key)
              for i = 1, #info, 2 do
                if info[i] == 'last-generated-id' then return info[i + 1] end
              end
              return ''
            end
            -- the next id of the clock (KEYS[1]): its last id + 1, or Redis' time when later
            local function nextId(clock)
              local ms, seq = now, 0
              local last = redis.call('HGET', clock, 'last')
              if last then
                local lms, lseq = parse(last)
                if lms >= now then ms, seq = lms, lseq + 1 end
              else
                redis.call('HSETNX', clock, 'origin', string.format('%d-0', now))
              end
              local id = string.format('%d-%d', ms, seq)
              redis.call('HSET', clock, 'last', id)
              return id
            end
            """;

    /** Moves a cursor key up to an id (never down), renewing its time to live. */
    private static final String CURSOR = """
            local function advance(key, id, ttl)
              if id == '' then return end
              local cursor = redis.call('GET', key)
              if not cursor or older(cursor, id) then
                redis.call('SET', key, id, 'PX', ttl)
              else
                redis.call('PEXPIRE', key, ttl)
              end
            end
            """;

    /**
     * The stream epoch: the ids one data set gave out, from its {@code origin} to its {@code last} (both fields of
     * the clock hash). The keys lost writes (a failover to a replica that had not got them, a restart without
     * persistence, {@code FLUSHALL}) when a node saw an id newer than {@code last}: then a new epoch begins, its
     * origin just after that id, and {@code last} moves up to it, so that no id is given out twice and every id up to
     * the origin gets {@code replay-incomplete} (the lost events were in the old epoch; a replay cannot tell which).
     */
    private static final String EPOCH = """
            local function check_epoch(clock, seen)
              if seen == '' then return 0 end
              local last = redis.call('HGET', clock, 'last')
              if last and not older(last, seen) then return 0 end
              local sms, sseq = parse(seen)
              redis.call('HSET', clock, 'last', seen, 'origin', string.format('%d-%d', sms, sseq + 1))
              redis.call('HINCRBY', clock, 'epoch', 1)
              return 1
            end
            """;

    /**
     * Publish. KEYS: clock, nodes, then per address its stream and, for a recipient, its presence set and queue,
     * then each address's end key (a complete address refuses the event, see {@link #COMPLETE}). ARGV: history size,
     * history age ms, queue size, queue age ms, kinds ({@code t}/{@code r} per address), the newest id the publishing
     * node has seen ({@code ''}: none; the epoch is checked before the id is given, see {@link #EPOCH}), then
     * field/value pairs. One id for every address: the clock's last id + 1, or Redis' time when later (so ids
     * order across addresses and never go back, even when the clock does). Each entry records {@code p}, the
     * previous id of its stream, from which a replay tells a trimmed gap from no gap. Returns {id, queued}.
     */
    static final String PUBLISH = IDS + EPOCH + """
            for i = #KEYS - #ARGV[5] + 1, #KEYS do
              local final = redis.call('GET', KEYS[i])
              if final then
                return redis.error_reply('COMPLETE the address is complete (its last event is ' .. final
                  .. '): it takes no more events')
              end
            end
            check_epoch(KEYS[1], ARGV[6])
            local id = nextId(KEYS[1])
            local function add(key, size, age, prev)
              local args = {'XADD', key, 'MAXLEN', '~', size, id, 'p', prev}
              for i = 7, #ARGV do args[#args + 1] = ARGV[i] end
              redis.call(unpack(args))
              redis.call('XTRIM', key, 'MINID', '~', string.format('%d-0', now - age))
              redis.call('PEXPIRE', key, age)
            end
            local k, queued = 3, 0
            for i = 1, #ARGV[5] do
              local stream = KEYS[k]
              k = k + 1
              add(stream, ARGV[1], tonumber(ARGV[2]), newest(stream))
              if string.sub(ARGV[5], i, i) == 'r' then
                local presence, queue = KEYS[k], KEYS[k + 1]
                k = k + 2
                local online = false
                for _, node in ipairs(redis.call('SMEMBERS', presence)) do
                  local lapses = redis.call('ZSCORE', KEYS[2], node)
                  if lapses and tonumber(lapses) >= now then online = true
                  else redis.call('SREM', presence, node) end
                end
                if not online and tonumber(ARGV[3]) > 0 then
                  add(queue, ARGV[3], tonumber(ARGV[4]), '')
                  queued = queued + 1
                end
              end
            end
            return {id, queued}
            """;

    /**
     * Replay. KEYS: stream, clock. ARGV: after id (exclusive; empty: an unknown id, replay all), limit, history age
     * ms, up to id (inclusive, or {@code +}). Returns {incomplete (0/1), entries}: incomplete when an entry after
     * the id is known to be gone (trimmed, expired, or the id is not of this epoch: before its origin or after its
     * last id).
     */
    static final String REPLAY = IDS + """
            local after = ARGV[1]
            local origin = redis.call('HGET', KEYS[2], 'origin')
            if after == '' then
              local all = redis.call('XRANGE', KEYS[1], '-', ARGV[4], 'COUNT', ARGV[2])
              return {origin and 1 or 0, all}
            end
            local entries = {}
            if ARGV[4] == '+' or older(after, ARGV[4]) then
              entries = redis.call('XRANGE', KEYS[1], '(' .. after, ARGV[4], 'COUNT', ARGV[2])
            end
            if not origin or older(after, origin) then return {1, entries} end
            -- an id newer than any this epoch gave out: from an epoch whose writes were lost
            local last = redis.call('HGET', KEYS[2], 'last')
            if not last or older(last, after) then return {1, entries} end
            local first = entries[1]
            if not first then first = redis.call('XRANGE', KEYS[1], '(' .. after, '+', 'COUNT', 1)[1] end
            if first then
              local fields = first[2]
              for i = 1, #fields, 2 do
                if fields[i] == 'p' then
                  if fields[i + 1] ~= '' and older(after, fields[i + 1]) then return {1, entries} end
                  break
                end
              end
              return {0, entries}
            end
            if redis.call('EXISTS', KEYS[1]) == 0 then
              -- the key expires one history age after its last entry: if the id is younger, nothing came after it
              local ams = parse(after)
              return {ams < now - tonumber(ARGV[3]) and 1 or 0, entries}
            end
            local top = newest(KEYS[1])
            return {(top ~= '' and older(after, top)) and 1 or 0, entries}
            """;

    /**
     * Complete an address. KEYS: clock, stream, end key. ARGV: history size, kept ms, then field/value pairs of the
     * last event. Appends it with the next id and the field {@code x} (which tells every node's reader to end its
     * subscribers' streams after it), then keeps the stream and the end key (the last id) for the kept time and
     * no longer. Returns the id; an error when the address is complete already.
     */
    static final String COMPLETE = IDS + """
            local final = redis.call('GET', KEYS[3])
            if final then
              return redis.error_reply('COMPLETE the address is complete already (its last event is ' .. final .. ')')
            end
            local previous = newest(KEYS[2])
            local id = nextId(KEYS[1])
            local args = {'XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], id, 'p', previous, 'x', '1'}
            for i = 3, #ARGV do args[#args + 1] = ARGV[i] end
            redis.call(unpack(args))
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            redis.call('SET', KEYS[3], id, 'PX', ARGV[2])
            return id
            """;

    /** What is kept of an address. KEYS: stream, end key. Returns {oldest id or '', last id when complete or ''}. */
    static final String KEPT = """
            local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
            local final = redis.call('GET', KEYS[2])
            return {first and first[1] or '', final or ''}
            """;

    /** Take a recipient's queue. KEYS: queue. ARGV: up to id (inclusive). Returns its entries up to it, deletes it. */
    static final String TAKE_QUEUE = """
            local entries = redis.call('XRANGE', KEYS[1], '-', ARGV[1])
            redis.call('DEL', KEYS[1])
            return entries
            """;

    /**
     * Node heartbeat. KEYS: nodes, clock. ARGV: node id, ttl ms, the newest id this node has seen ({@code ''}: none).
     * Drops lapsed nodes; checks the epoch (see {@link #EPOCH}). Returns {Redis' time in ms, 1 when it began a new
     * epoch}.
     */
    static final String HEARTBEAT = IDS + EPOCH + """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            return {now, check_epoch(KEYS[2], ARGV[3])}
            """;

    /**
     * A recipient's connection joins. KEYS: clock, presence set, cursor. ARGV: node id, cursor ttl ms. In one step:
     * this node enters the presence set (from then on the recipient's events are not queued) and the join reads its
     * position (the newest id given out) and the recipient's cursor (the newest of its events a connection was
     * given; set to the position when there is none: everything before was queued or given). Every event published
     * before the script is in the queue or the stream up to the position, every later one is read live. Returns
     * {position, cursor}.
     */
    static final String JOIN_RECIPIENT = """
            redis.call('SADD', KEYS[2], ARGV[1])
            local last = redis.call('HGET', KEYS[1], 'last') or '0-0'
            local cursor = redis.call('GET', KEYS[3])
            if not cursor then
              cursor = last
              redis.call('SET', KEYS[3], cursor, 'PX', ARGV[2])
            end
            return {last, cursor}
            """;

    /**
     * A recipient's last connection on this node leaves. KEYS: presence set, cursor. ARGV: node id, the newest id
     * this node gave the recipient ({@code ''}: none), cursor ttl ms. In one step the node leaves the presence set
     * and the cursor moves up to what it gave: an event published after the stream ended and before this script is
     * after the cursor, so the recipient's next connection gets it. Returns 1.
     */
    static final String LEAVE_RECIPIENT = IDS + CURSOR + """
            redis.call('SREM', KEYS[1], ARGV[1])
            advance(KEYS[2], ARGV[2], ARGV[3])
            return 1
            """;

    /** Moves a recipient's cursor up. KEYS: cursor. ARGV: id given to a connection, cursor ttl ms. Returns 1. */
    static final String ADVANCE_CURSOR = IDS + CURSOR + """
            advance(KEYS[1], ARGV[1], ARGV[2])
            return 1
            """;
}
