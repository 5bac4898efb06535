package dev.resnetserve;

import dev.resnetserve.bench.BenchCommand;
import dev.resnetserve.model.EngineCommand;
import dev.resnetserve.model.train.Commands;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/**
 * resnet-serve: image classification with ResNet models over HTTP. With a first argument {@code train},
 * {@code describe}, {@code generate}, {@code engine} or {@code bench}, runs that tool instead of the server.
 */
// No user store: API keys are the only credentials (resnet.security), so Boot's generated user is left out.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class ResnetServeApplication {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && Commands.isCommand(args[0])) {
            System.exit(Commands.run(args, System.out));
        }
        if (args.length > 0 && args[0].equals("engine")) {
            System.exit(new EngineCommand(System.out).run());
        }
        if (args.length > 0 && args[0].equals("bench")) {
            System.exit(new BenchCommand(System.out)
                    .run(Commands.options(java.util.Arrays.copyOfRange(args, 1, args.length))));
        }
        SpringApplication.run(ResnetServeApplication.class, args);
    }
}
