package dev.resnetserve.api;

import dev.resnetserve.inference.ModelRegistry;
import dev.resnetserve.support.ApiClient;
import dev.resnetserve.support.Readiness;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole service on a random port with the test profile (the parity model beside the demo model), every model
 * ready before each test, and a plain HTTP client for it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class RunningServiceTest {

    protected static final String PARITY = "/v1/models/parity/classify";

    @LocalServerPort
    protected int port;

    @Autowired
    protected ModelRegistry registry;

    protected ApiClient client;

    @BeforeEach
    protected void serviceReady() throws InterruptedException {
        client = new ApiClient(port);
        Readiness.await(registry);
    }
}
