package io.socialink.delivery.routing;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The routes of the connected devices of one Streams task, by device address. At most one route per device:
 * the newest connection wins.
 */
public final class Routes {

    /** Name of the state store, also the suffix of its changelog topic. */
    public static final String STORE = "delivery-routes";

    private final KeyValueStore<String, Route> store;

    public Routes(KeyValueStore<String, Route> store) {
        this.store = store;
    }

    public Route get(String address) {
        return store.get(address);
    }

    public void put(String address, Route route) {
        store.put(address, route);
    }

    public void remove(String address) {
        store.delete(address);
    }

    /** Every route; read into memory first so the caller may change routes meanwhile. */
    public List<KeyValue<String, Route>> all() {
        List<KeyValue<String, Route>> all = new ArrayList<>();
        try (KeyValueIterator<String, Route> iterator = store.all()) {
            iterator.forEachRemaining(all::add);
        }
        return all;
    }
}
