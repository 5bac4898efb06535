package dev.resnetserve;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** resnet-serve: image classification with ResNet models over HTTP. */
@SpringBootApplication
public class ResnetServeApplication {

    public static void main(String[] args) {
        SpringApplication.run(ResnetServeApplication.class, args);
    }
}
