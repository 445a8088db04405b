package com.example.boot;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The application's own controller, which must answer as before hixie-76 came. */
@RestController
public class GreetingController {

    @GetMapping("/api/greeting")
    public String greeting(@RequestParam(defaultValue = "world") String name) {
        return "hello " + name + " from the Spring Boot application";
    }
}
