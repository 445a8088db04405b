package com.example.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application of its own (a controller and a page) that serves hixie-76 on
 * {@code /chat} next to them, with the library jar as one more dependency. The profile chooses
 * how the endpoints are registered: {@code servlet-bean} ({@link ServletBeanRegistration}) or
 * {@code initializer} ({@link InitializerRegistration}). The same sources build on Spring Boot 3
 * (jakarta, the library jar) and Spring Boot 2.7 (javax, the javax library jar).
 */
@SpringBootApplication
public class BootApplication {

    public static void main(String[] args) {
        SpringApplication.run(BootApplication.class, args);
    }
}
