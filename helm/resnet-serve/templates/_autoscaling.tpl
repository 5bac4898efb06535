{{/* The autoscaling values, checked: an unknown mode or metric fails the render rather than scaling on nothing. */}}
{{- define "resnet-serve.autoscalingMetric" -}}
{{- $metric := .Values.autoscaling.metric }}
{{- if not (has $metric (list "cpu" "queue-depth" "in-flight")) }}
{{- fail (printf "autoscaling.metric must be cpu, queue-depth or in-flight, not %q" $metric) }}
{{- end }}
{{- if not (has .Values.autoscaling.mode (list "hpa" "keda")) }}
{{- fail (printf "autoscaling.mode must be hpa or keda, not %q" .Values.autoscaling.mode) }}
{{- end }}
{{- $metric }}
{{- end }}

{{/* The Prometheus series a non-CPU metric reads. */}}
{{- define "resnet-serve.autoscalingSeries" -}}
{{- if eq .Values.autoscaling.metric "queue-depth" }}inference_queue_depth{{ else }}inference_requests_in_flight{{ end }}
{{- end }}

{{/* The per-pod target of a non-CPU metric. */}}
{{- define "resnet-serve.autoscalingTarget" -}}
{{- if eq .Values.autoscaling.metric "queue-depth" }}{{ .Values.autoscaling.queueDepth.averageValue }}{{ else }}{{ .Values.autoscaling.inFlight.averageValue }}{{ end }}
{{- end }}
