using CstPortal.Common;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;

namespace CstPortal.Data.DemoCity;

/// <summary>
/// The fictional city of Riverton: its zones, services, crews and demo people. Plain data.
/// The category mix and typical resolution times are calibrated on the LA and NYC 311 samples
/// (bulky items and dumping dominate; street lights take about a week; graffiti is quick).
/// </summary>
public static class DemoCityPlan
{
    public const string DemoPassword = "riverton-demo-2026";
    public const string EmailDomain = "riverton.example";

    public sealed record DemoUser(string Email, string DisplayName, string Role);

    /// <summary>One signed-in demo user per role, documented in the README.</summary>
    public static readonly DemoUser[] Users =
    [
        new($"citizen@{EmailDomain}", "Carla Citizen", Roles.Citizen),
        new($"agent@{EmailDomain}", "Amir Agent", Roles.Agent),
        new($"dispatcher@{EmailDomain}", "Dana Dispatcher", Roles.Dispatcher),
        new($"supervisor@{EmailDomain}", "Sam Supervisor", Roles.Supervisor),
        new($"manager@{EmailDomain}", "Maya Manager", Roles.Manager),
        new($"admin@{EmailDomain}", "Ali Admin", Roles.Admin),
    ];

    // The city spans about 9 km × 10 km. Grid lines of a 3 × 2 layout; interior corners are
    // shifted so the zones look like real districts and still tile the city exactly.
    public static readonly double[] LatLines = [40.000, 40.040, 40.080];
    public static readonly double[] LngLines = [-83.060, -83.020, -82.980, -82.940];
    public static double CenterLat => (LatLines[0] + LatLines[^1]) / 2;
    public static double CenterLng => (LngLines[0] + LngLines[^1]) / 2;

    public static readonly (string Code, string Name)[] Zones =
    [
        ("HARBOR", "Harbor"), ("OLDTOWN", "Old Town"), ("EASTGATE", "Eastgate"),
        ("NHILLS", "North Hills"), ("MILLBROOK", "Millbrook"), ("RIVERSIDE", "Riverside"),
    ];

    public static (double Lat, double Lng) Corner(int row, int col)
    {
        var lat = LatLines[row];
        var lng = LngLines[col];
        if (row == 1) lat += col switch { 0 => 0.003, 1 => -0.004, 2 => 0.005, _ => -0.002 };
        if (col is 1 or 2) lng += row switch { 0 => 0.004, 1 => -0.003, _ => 0.002 } * (col == 1 ? 1 : -1);
        return (lat, lng);
    }

    public static readonly (string Code, string Name)[] Skills =
    [
        ("road-repair", "Road repair"), ("electrical", "Electrical"), ("sanitation", "Sanitation"),
        ("plumbing", "Water & sewer"), ("arborist", "Trees & parks"), ("general", "General works"),
    ];

    public sealed record TeamPlan(string Name, string Description, string[] Skills, string[] AgentNames);

    public static readonly TeamPlan[] Teams =
    [
        new("Roads crew", "Potholes, sidewalks, signs and signals", ["road-repair", "general"], ["Amir Agent", "Rosa Lind", "Tomas Berg"]),
        new("Lighting crew", "Street lights and electrical faults", ["electrical"], ["Lena Watts", "Omar Reyes", "Ines Holt"]),
        new("Sanitation", "Collections, dumping and litter", ["sanitation", "general"], ["Kofi Mensah", "Jade Park", "Luca Rossi", "Nadia Haddad"]),
        new("Water works", "Leaks, drains and sewers", ["plumbing"], ["Priya Nair", "Ben Okafor", "Hana Sato"]),
        new("Parks & trees", "Parks, playgrounds, trees and graffiti", ["arborist", "general"], ["Eva Novak", "Sami Aziz", "Noor Karim"]),
    ];

    public sealed record QuestionPlan(string Code, string Prompt, QuestionType Type, bool Required, string Options = "");

    public sealed record CategoryPlan(
        string Code, string Name, string Group, string Description, Priority DefaultPriority, string Skill, string Team,
        double Weight, double MedianResolutionHours, double ResponseHours, double ResolutionHours, QuestionPlan[] Questions,
        string[] Descriptions);

    public static readonly CategoryPlan[] Categories =
    [
        new("pothole", "Pothole", "Roads", "A hole or broken surface in the road", Priority.P2, "road-repair", "Roads crew", 7, 60, 8, 72,
            [new("size", "How big is it?", QuestionType.SingleChoice, true, "small=Smaller than a plate\nmedium=Up to a car wheel\nlarge=Larger than a car wheel"),
             new("lane", "Is it in a traffic lane?", QuestionType.SingleChoice, false, "yes=Yes\nno=No, at the edge or in a parking lane")],
            ["Deep pothole in the right lane", "Road surface broken after the rain", "Pothole near the bus stop, cars swerving", "Crumbling asphalt at the junction"]),
        new("sidewalk", "Damaged sidewalk", "Roads", "Broken, lifted or missing paving", Priority.P3, "road-repair", "Roads crew", 3, 140, 24, 240,
            [new("trip", "Is it a trip hazard?", QuestionType.SingleChoice, true, "yes=Yes\nno=No")],
            ["Paving slabs lifted by tree roots", "Broken kerb outside the school", "Missing paving stones"]),
        new("signal", "Traffic signal fault", "Roads", "Traffic lights dark, stuck or flashing", Priority.P1, "electrical", "Lighting crew", 2, 8, 1, 12,
            [new("state", "What is the signal doing?", QuestionType.SingleChoice, true, "dark=All dark\nflashing=Flashing\nstuck=Stuck on one colour")],
            ["Traffic lights out at the crossroads", "Pedestrian signal stuck on red", "Signal flashing amber all day"]),
        new("streetlight", "Street light out", "Lighting", "A street light that is off, flickering or on in daytime", Priority.P3, "electrical", "Lighting crew", 6, 156, 24, 168,
            [new("pole", "Pole number (on a plate on the pole)", QuestionType.Text, false),
             new("count", "How many lights are out?", QuestionType.Number, true)],
            ["Street light out for a week", "Light flickering all night", "Three lights out along the path", "Lamp on during the day"]),
        new("lightpole", "Damaged light pole", "Lighting", "A leaning, knocked-down or open light pole", Priority.P2, "electrical", "Lighting crew", 1, 96, 4, 96,
            [new("wires", "Are wires exposed?", QuestionType.SingleChoice, true, "yes=Yes\nno=No")],
            ["Light pole hit by a car, leaning", "Access panel open on pole"]),
        new("bulky", "Bulky item collection", "Waste", "Furniture, mattresses or appliances left for pickup", Priority.P4, "sanitation", "Sanitation", 20, 118, 48, 168,
            [new("items", "What items?", QuestionType.MultipleChoice, true, "furniture=Furniture\nmattress=Mattress\nappliance=Appliance\nelectronics=Electronics\nother=Other")],
            ["Sofa and mattress left on the kerb", "Old fridge outside number 12", "Pile of furniture by the bins", "TV and boxes left on the sidewalk"]),
        new("dumping", "Illegal dumping", "Waste", "Rubbish dumped in a public place", Priority.P3, "sanitation", "Sanitation", 10, 121, 24, 120,
            [new("amount", "How much?", QuestionType.SingleChoice, true, "bags=A few bags\ncarload=A carload\ntruckload=A truckload or more"),
             new("hazard", "Anything hazardous (chemicals, needles, asbestos)?", QuestionType.SingleChoice, false, "yes=Yes\nno=No\nunsure=Not sure")],
            ["Bags of rubbish dumped in the alley", "Building waste dumped by the river path", "Tyres dumped behind the shops"]),
        new("missed", "Missed collection", "Waste", "Household bins not collected on the scheduled day", Priority.P3, "sanitation", "Sanitation", 8, 30, 12, 48,
            [new("bin", "Which bin?", QuestionType.SingleChoice, true, "general=General waste\nrecycling=Recycling\ngarden=Garden waste")],
            ["Recycling not collected this week", "Whole street missed on collection day", "Garden waste bin skipped again"]),
        new("litterbin", "Overflowing litter bin", "Waste", "A public litter bin that is full or broken", Priority.P4, "sanitation", "Sanitation", 4, 24, 12, 48, [],
            ["Bin by the bus stop overflowing", "Litter bin in the square full and smelly"]),
        new("leak", "Water leak", "Water", "Water escaping from a pipe, hydrant or the road", Priority.P1, "plumbing", "Water works", 3, 20, 2, 24,
            [new("flow", "How strong is the flow?", QuestionType.SingleChoice, true, "trickle=A trickle\nsteady=A steady stream\ngushing=Gushing")],
            ["Water bubbling up through the road", "Hydrant leaking onto the street", "Burst pipe flooding the pavement"]),
        new("drain", "Blocked drain", "Water", "A blocked gully or storm drain", Priority.P2, "plumbing", "Water works", 3, 50, 8, 72,
            [new("flooding", "Is the road flooding?", QuestionType.SingleChoice, true, "yes=Yes\nno=No")],
            ["Drain blocked with leaves, road flooding", "Storm drain full of silt"]),
        new("sewer", "Sewer smell or overflow", "Water", "Sewage smell or overflow", Priority.P2, "plumbing", "Water works", 1, 36, 4, 48, [],
            ["Strong sewage smell from the manhole", "Sewage overflowing into the gutter"]),
        new("playground", "Damaged playground", "Parks", "Broken or unsafe play equipment", Priority.P2, "arborist", "Parks & trees", 2, 120, 8, 120,
            [new("equipment", "Which equipment?", QuestionType.Text, true)],
            ["Swing chain broken", "Sharp edge on the slide", "Loose bolts on the climbing frame"]),
        new("tree", "Fallen or dangerous tree", "Parks", "A fallen tree or branch, or one that may fall", Priority.P1, "arborist", "Parks & trees", 3, 30, 2, 48,
            [new("blocking", "Is it blocking the road or path?", QuestionType.SingleChoice, true, "road=The road\npath=A path\nnone=Neither")],
            ["Large branch fallen across the path", "Tree leaning over the road after the storm"]),
        new("graffiti", "Graffiti", "Parks", "Graffiti on public property", Priority.P4, "general", "Parks & trees", 12, 18, 24, 96,
            [new("offensive", "Is it offensive?", QuestionType.SingleChoice, true, "yes=Yes\nno=No")],
            ["Graffiti on the underpass wall", "Tags sprayed on the park benches", "Graffiti on the library wall"]),
    ];

    /// <summary>Low-priority work is counted in office hours; everything more urgent runs on the calendar clock.</summary>
    public static bool UsesWorkingHours(Priority p) => p == Priority.P4;

    /// <summary>
    /// A category's target at a priority. Working-hour targets are half the calendar hours: nine office hours on five
    /// days of seven is about half the week's clock time, so a target stays about as long on the calendar.
    /// </summary>
    public static double TargetHours(double hours, Priority p) => hours * PriorityFactor(p) * (UsesWorkingHours(p) ? 0.5 : 1);

    /// <summary>Riverton's business calendar (Mon–Fri 08:00–17:00 New York time, US federal holidays) and the default escalation levels.</summary>
    public static void SeedSlaSettings(CstDbContext db)
    {
        db.BusinessCalendars.Add(new BusinessCalendar { TimeZoneId = "America/New_York", WorkingDaysMask = 62, Opens = new TimeOnly(8, 0), Closes = new TimeOnly(17, 0) });
        db.PublicHolidays.AddRange(Holidays.Select(h => new PublicHoliday { Date = DateOnly.Parse(h.Date, System.Globalization.CultureInfo.InvariantCulture), Name = h.Name }));
        db.EscalationRules.AddRange(EscalationRule.Defaults());
    }

    public static readonly (string Date, string Name)[] Holidays =
    [
        ("2026-01-01", "New Year's Day"), ("2026-01-19", "Martin Luther King Jr. Day"), ("2026-02-16", "Presidents' Day"),
        ("2026-05-25", "Memorial Day"), ("2026-06-19", "Juneteenth"), ("2026-07-03", "Independence Day (observed)"),
        ("2026-09-07", "Labor Day"), ("2026-10-12", "Columbus Day"), ("2026-11-11", "Veterans Day"), ("2026-11-26", "Thanksgiving Day"),
        ("2026-12-25", "Christmas Day"), ("2027-01-01", "New Year's Day"), ("2027-01-18", "Martin Luther King Jr. Day"),
        ("2027-02-15", "Presidents' Day"), ("2027-05-31", "Memorial Day"), ("2027-06-18", "Juneteenth (observed)"),
        ("2027-07-05", "Independence Day (observed)"), ("2027-09-06", "Labor Day"), ("2027-10-11", "Columbus Day"),
        ("2027-11-11", "Veterans Day"), ("2027-11-25", "Thanksgiving Day"), ("2027-12-24", "Christmas Day (observed)"),
    ];

    /// <summary>The seeded calendar as the clock reads it (for the demo history's due times).</summary>
    public static WorkingCalendar WorkingCalendar => _calendar.Value;
    private static readonly Lazy<WorkingCalendar> _calendar = new(() => new BusinessCalendar()
        .ToWorkingCalendar(Holidays.Select(h => DateOnly.Parse(h.Date, System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>Targets scale with priority: P1 a quarter of P3's time, P2 half, P4 double.</summary>
    public static double PriorityFactor(Priority p) => p switch
    {
        Priority.P1 => 0.25, Priority.P2 => 0.5, Priority.P3 => 1.0, _ => 2.0,
    };

    public static readonly string[] Streets =
    [
        "Alder Street", "Bridge Road", "Canal Walk", "Dock Lane", "Elm Avenue", "Ferry Street", "Granary Row", "Harbor Drive",
        "Iris Close", "Juniper Way", "King's Parade", "Linden Avenue", "Market Square", "North Road", "Orchard Lane", "Quay Street",
        "River Road", "Station Approach", "Tanner's Yard", "Union Street", "Victoria Terrace", "Willow Bank",
    ];

    // The address register: the even-indexed streets run west to east, the odd-indexed ones south to north, 11 each,
    // evenly spaced inside the city; numbers 1 to 239 along each, odd on the north/east side and even on the other.
    private const int HousesPerSide = 120;
    private const double StreetMargin = 0.004, SideOffset = 0.0002;
    private static int StreetsPerAxis => Streets.Length / 2;
    private static double StreetLat(int i) => LatLines[0] + StreetMargin + i * (LatLines[^1] - LatLines[0] - 2 * StreetMargin) / (StreetsPerAxis - 1);
    private static double StreetLng(int j) => LngLines[0] + StreetMargin + j * (LngLines[^1] - LngLines[0] - 2 * StreetMargin) / (StreetsPerAxis - 1);
    private static double Along(double from, double to, int house) => from + StreetMargin + (house - 1) * (to - from - 2 * StreetMargin) / (HousesPerSide - 1);

    /// <summary>Every address of the demo city's register with its point (about 5,000).</summary>
    public static IEnumerable<(string Text, double Lat, double Lng)> Addresses()
    {
        for (var i = 0; i < StreetsPerAxis; i++)
            for (var n = 1; n < 2 * HousesPerSide; n++)
            {
                var house = (n + 1) / 2;
                var side = n % 2 == 1 ? SideOffset : -SideOffset;
                yield return ($"{n} {Streets[2 * i]}", StreetLat(i) + side, Along(LngLines[0], LngLines[^1], house));
                yield return ($"{n} {Streets[2 * i + 1]}", Along(LatLines[0], LatLines[^1], house), StreetLng(i) + side);
            }
    }

    /// <summary>The register address nearest a point (its nearest street, the house number at that place on it).</summary>
    public static string NearestAddress(double lat, double lng)
    {
        var i = Math.Clamp((int)Math.Round((lat - StreetLat(0)) / (StreetLat(1) - StreetLat(0))), 0, StreetsPerAxis - 1);
        var j = Math.Clamp((int)Math.Round((lng - StreetLng(0)) / (StreetLng(1) - StreetLng(0))), 0, StreetsPerAxis - 1);
        var lngScale = Math.Cos(CenterLat * Math.PI / 180); // a degree of longitude is this much shorter than one of latitude here
        var eastWest = Math.Abs(lat - StreetLat(i)) <= Math.Abs(lng - StreetLng(j)) * lngScale;
        var (position, from, to, offset, street) = eastWest
            ? (lng, LngLines[0], LngLines[^1], lat - StreetLat(i), Streets[2 * i])
            : (lat, LatLines[0], LatLines[^1], lng - StreetLng(j), Streets[2 * j + 1]);
        var house = Math.Clamp((int)Math.Round((position - from - StreetMargin) / ((to - from - 2 * StreetMargin) / (HousesPerSide - 1))) + 1, 1, HousesPerSide);
        var number = offset >= 0 ? 2 * house - 1 : Math.Min(2 * house, 2 * HousesPerSide - 2);
        return $"{number} {street}";
    }

    public static readonly string[] CitizenComments =
    [
        "Thank you for the quick response!", "Still there this morning.", "It is getting worse after the rain.",
        "Any update on this?", "My neighbour reported it too.", "Great job, all fixed.",
    ];

    public static readonly string[] StaffComments =
    [
        "A crew has been scheduled.", "We have ordered the parts; work will follow.", "Thanks for the report, we are on it.",
    ];

    public static readonly string[] ResolutionNotes =
    [
        "Repaired and area made safe.", "Item removed and site cleaned.", "Replaced the faulty part; tested and working.",
        "Cleared and flushed.", "Made safe; permanent repair scheduled with the contractor.",
    ];
}
