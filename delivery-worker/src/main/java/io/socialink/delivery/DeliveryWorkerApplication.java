package io.socialink.delivery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Kafka Streams app keeping per-device offline queues and routing them to live sockets. */
@SpringBootApplication
public class DeliveryWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(DeliveryWorkerApplication.class, args);
    }
}
