import StackCross

/// Makes `ReportFormat.otlp` and `.perfetto` available to `report` (they live here, with swift-protobuf).
public enum ExportFormats {
    public static func register() {
        ReportFormat.register(.otlp) { writer, options in
            OTLPExporter(sink: OTLPWriterSink(writer: writer), wallClockOffsetNs: options.wallClockOffsetNs)
        }
        ReportFormat.register(.perfetto) { writer, options in
            PerfettoExporter(writer: writer, maxInterned: options.perfettoMaxInterned)
        }
    }
}
