package dev.ssejaxrs.broadcast;

/** Presence, latest-value mode and the render-time cursor on the memory store. */
class MemoryPageFeaturesTest extends PageFeaturesContract {
    @Override
    protected RegistryOptions.Builder options() {
        return RegistryOptions.builder();
    }
}
