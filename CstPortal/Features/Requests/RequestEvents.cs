using CstPortal.Common;

namespace CstPortal.Features.Requests;

/// <summary>What changed, for live pages: a request's number and its new status.</summary>
public sealed record RequestChanged(string Number, string Status);

/// <summary>
/// Tells open pages (circuits) on every node that a request changed: tracking pages, lists, the workbench, the
/// triage queue, the live map. Services publish after their transaction commits.
/// </summary>
public sealed class RequestEvents(ILiveBackplane backplane) : LiveEventHub<RequestChanged>(backplane, "request");
