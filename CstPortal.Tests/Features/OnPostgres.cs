using CstPortal.Tests.Infrastructure;

namespace CstPortal.Tests.Features;

// The service tests again on PostgreSQL: each class below inherits every test of its SQLite original and, being marked
// IOnPostgres, gets a TestCity that is a copy of a PostgreSQL template database (Infrastructure/TestCity.cs). The server is
// the one in CST_TEST_POSTGRES (scripts/test.sh starts a throwaway cluster) or one the test run starts itself.
// A new service test class that uses TestCity.CreateAsync(this) belongs here too.

public sealed class AdminServiceTestsOnPostgres : Admin.AdminServiceTests, IOnPostgres;
public sealed class AddressRegisterTestsOnPostgres : Addresses.AddressRegisterTests, IOnPostgres;
public sealed class ExportTestsOnPostgres : Analytics.ExportTests, IOnPostgres;
public sealed class KpiServiceTestsOnPostgres : Analytics.KpiServiceTests, IOnPostgres;
public sealed class KpiSummaryTestsOnPostgres : Analytics.KpiSummaryTests, IOnPostgres;
public sealed class ApiKeyServiceTestsOnPostgres : ApiKeys.ApiKeyServiceTests, IOnPostgres;
public sealed class AutoAssignServiceTestsOnPostgres : Assignment.AutoAssignServiceTests, IOnPostgres;
public sealed class StaffWorkServiceTestsOnPostgres : Assignment.StaffWorkServiceTests, IOnPostgres;
public sealed class AuditChainTestsOnPostgres : Audit.AuditChainTests, IOnPostgres;
public sealed class MergeTestsOnPostgres : Duplicates.MergeTests, IOnPostgres;
public sealed class MergedPhotoTestsOnPostgres : Duplicates.MergedPhotoTests, IOnPostgres;
public sealed class GeoFeedServiceTestsOnPostgres : Geo.GeoFeedServiceTests, IOnPostgres;
public sealed class OpenRequestCellTestsOnPostgres : Geo.OpenRequestCellTests, IOnPostgres;
public sealed class NotificationDispatcherTestsOnPostgres : Notifications.NotificationDispatcherTests, IOnPostgres;
public sealed class CitizenServiceTestsOnPostgres : Requests.CitizenServiceTests, IOnPostgres;
public sealed class RequestServiceTestsOnPostgres : Requests.RequestServiceTests, IOnPostgres;
public sealed class PerformanceServiceTestsOnPostgres : Sla.PerformanceServiceTests, IOnPostgres;
public sealed class SlaSweepTestsOnPostgres : Sla.SlaSweepTests, IOnPostgres;
public sealed class TriageServiceTestsOnPostgres : Workflow.TriageServiceTests, IOnPostgres;
public sealed class WorkflowServiceTestsOnPostgres : Workflow.WorkflowServiceTests, IOnPostgres;
public sealed class Open311IntakeTestsOnPostgres : Open311.Open311IntakeTests, IOnPostgres;
public sealed class AutoCloseTestsOnPostgres : Workflow.AutoCloseTests, IOnPostgres;

// The app itself (Program.cs, configured with Cst:Database:Provider=PostgreSQL): database, migrations and scheduler healthy.
public sealed class HealthTestsOnPostgres(PostgresAppFactory factory) : Operations.HealthTests(factory), IClassFixture<PostgresAppFactory>;
