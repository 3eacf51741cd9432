using CstPortal.Features.Addresses;

namespace CstPortal.Tests.Features.Addresses;

public class AddressTextTests
{
    [Theory]
    [InlineData("12 Elm Avenue", "12 elm avenue")]
    [InlineData("  12  elm AVE. ", "12 elm avenue")]
    [InlineData("King's Parade", "king s parade")]
    [InlineData("3 Rue de l'Église", "3 rue de l eglise")]
    [InlineData("7 Station Rd, Riverton", "7 station road riverton")]
    [InlineData("شارع النيل ١٢", "شارع النيل ١٢")]
    [InlineData("?!", "")]
    [InlineData(null, "")]
    public void The_search_form_ignores_case_accents_punctuation_and_street_type_abbreviations(string? text, string key) =>
        Assert.Equal(key, AddressText.Key(text));

    [Fact]
    public void A_query_is_at_most_six_distinct_words()
    {
        Assert.Equal(["12", "elm", "avenue"], AddressText.QueryWords("12 elm ave elm"));
        Assert.Equal(6, AddressText.QueryWords("a b c d e f g h").Count);
        Assert.Empty(AddressText.QueryWords("  ,, "));
    }
}
