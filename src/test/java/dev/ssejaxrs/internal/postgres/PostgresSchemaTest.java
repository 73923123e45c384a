package dev.ssejaxrs.internal.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

import dev.ssejaxrs.internal.store.EventId;

/** The schema the guide shows is the one the store creates, and ids map to positions and back. */
class PostgresSchemaTest {
    private static final Path GUIDE = Path.of("docs/several-nodes.md");

    @Test
    void theGuidesSqlBlock_isExactlyWhatTheStoreCreates_forThePrefixSse() throws IOException {
        List<String> sqlBlocks = new ArrayList<>();
        Parser.builder().build().parse(Files.readString(GUIDE)).accept(new AbstractVisitor() {
            @Override
            public void visit(FencedCodeBlock block) {
                if ("sql".equals(block.getInfo())) {
                    sqlBlocks.add(block.getLiteral());
                }
            }
        });
        assertEquals(1, sqlBlocks.size(), GUIDE + " should have one sql block, the schema: " + sqlBlocks.size());
        PostgresSchema schema = new PostgresSchema("sse");
        assertEquals(schema.sql() + schema.trigger(), sqlBlocks.get(0),
                GUIDE + "'s schema differs from PostgresSchema's: paste PostgresSchema.sql() + trigger() again");
    }

    @Test
    void idsMapToPositionsInOrder_andAnIdThisStoreCannotHaveIssuedHasNone() {
        EventId id = new EventId(1_764_355_522_817L, 3);
        long position = PostgresSchema.position(id.toString());
        assertEquals(id, PostgresSchema.id(position));
        assertEquals(position + 1, PostgresSchema.position(new EventId(id.millis(), 4)));
        assertEquals(true, PostgresSchema.position(new EventId(id.millis() + 1, 0)) > PostgresSchema.position(
                new EventId(id.millis(), PostgresSchema.SEQUENCE_MASK)));
        for (String never : List.of("1-" + (PostgresSchema.SEQUENCE_MASK + 1), (1L << 43) + "-0", "garbage", "7")) {
            assertEquals(-1, PostgresSchema.position(never), never);
        }
    }
}
