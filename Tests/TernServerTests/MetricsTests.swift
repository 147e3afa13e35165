import Foundation
import Hummingbird
import HummingbirdTesting
import TernServer
import Testing

@Suite struct MetricsTests {
    @Test func prometheusMetricsCountRequestsTokensAndLatencies() async throws {
        let metrics = PrometheusServerMetrics()
        try await TestServer(metrics: metrics).test { client in
            _ = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#)
            _ = try await client.post("/v1/chat/completions", json: #"{"messages":[]}"#)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            let text = response.text
            #expect(text.contains(#"tern_requests_total{endpoint="/v1/chat/completions",status="200"} 1"#))
            #expect(text.contains(#"tern_requests_total{endpoint="/v1/chat/completions",status="422"} 1"#))
            #expect(text.contains(#"tern_generation_tokens_total{model="fake-model"} 3"#))
            #expect(text.contains(#"tern_time_to_first_token_seconds_count{model="fake-model"} 1"#))
            // Three tokens: one first-token latency and two inter-token gaps.
            #expect(text.contains(#"tern_inter_token_latency_seconds_count{model="fake-model"} 2"#))
            #expect(text.contains(#"tern_requests_running{model="fake-model"} 0"#))
        }
    }

    @Test func withoutPrometheusThereIsNoMetricsEndpoint() async throws {
        try await TestServer().test { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .notFound)
        }
    }
}
