using CstPortal.Features.Workflow;

namespace CstPortal.Features.Requests;

/// <summary>One row of a request's status timeline.</summary>
public class StatusChange
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public RequestStatus? From { get; set; }
    public RequestStatus To { get; set; }
    public string Action { get; set; } = "";
    public DateTime At { get; set; }
    public string? ActorUserId { get; set; }
    public string ActorName { get; set; } = "";
    public string? Note { get; set; }
}

/// <summary>A reporter's answer to one of the category's extra questions (multiple values joined by ';').</summary>
public class RequestAnswer
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public string QuestionCode { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>A public comment, visible on the tracking page.</summary>
public class Comment
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public string? AuthorUserId { get; set; }
    public string AuthorName { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTime At { get; set; }
}

/// <summary>A note between staff; never shown to the public.</summary>
public class InternalNote
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public string? AuthorUserId { get; set; }
    public string AuthorName { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTime At { get; set; }
}

public enum MilestoneKind
{
    Arrived,
    WorkStarted,
    Resolved,
}

/// <summary>What an agent in the field recorded, when, and where they were.</summary>
public class Milestone
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public MilestoneKind Kind { get; set; }
    public DateTime At { get; set; }
    public string? ActorUserId { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
}

/// <summary>A photo's metadata; the file lives under the data directory, named by its content hash.</summary>
public class Evidence
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public string Sha256 { get; set; } = "";
    public string ContentType { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    public long Bytes { get; set; }
    public string? UploadedByUserId { get; set; }
    /// <summary>Who took it: the reporter (before) or the agent (after the work).</summary>
    public string Stage { get; set; } = "report";
    public DateTime At { get; set; }
}

/// <summary>The reporter's rating of the service after it was resolved.</summary>
public class Rating
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public int Stars { get; set; }
    public string? Text { get; set; }
    public DateTime At { get; set; }
}
