using CsvHelper;

namespace CstPortal.Features.Analytics;

/// <summary>One request as the CSV and Excel exports write it: no reporter data, no free text.</summary>
[CsvRecord]
public sealed partial class RequestExportRow
{
    public string Number { get; set; } = "";
    public string Category { get; set; } = "";
    public string Zone { get; set; } = "";
    public string? Team { get; set; }
    public string Priority { get; set; } = "";
    public string Status { get; set; } = "";
    [CsvColumn("Created (UTC)"), CsvFormat("yyyy-MM-dd HH:mm:ss")] public DateTime CreatedAt { get; set; }
    [CsvColumn("Triaged (UTC)"), CsvFormat("yyyy-MM-dd HH:mm:ss")] public DateTime? TriagedAt { get; set; }
    [CsvColumn("Assigned (UTC)"), CsvFormat("yyyy-MM-dd HH:mm:ss")] public DateTime? AssignedAt { get; set; }
    [CsvColumn("Resolved (UTC)"), CsvFormat("yyyy-MM-dd HH:mm:ss")] public DateTime? ResolvedAt { get; set; }
    [CsvColumn("Closed (UTC)"), CsvFormat("yyyy-MM-dd HH:mm:ss")] public DateTime? ClosedAt { get; set; }
    [CsvColumn("Response due (UTC)"), CsvFormat("yyyy-MM-dd HH:mm:ss")] public DateTime? ResponseDueAt { get; set; }
    [CsvColumn("Resolution due (UTC)"), CsvFormat("yyyy-MM-dd HH:mm:ss")] public DateTime? ResolutionDueAt { get; set; }
    [CsvColumn("Response SLA")] public string ResponseSla { get; set; } = "";
    [CsvColumn("Resolution SLA")] public string ResolutionSla { get; set; } = "";
    [CsvColumn("Reopened")] public int ReopenCount { get; set; }
    public int? Rating { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }
}
