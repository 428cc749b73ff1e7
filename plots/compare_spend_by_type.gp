# Spend by funding component type, one stacked bar per funding model.
# $data: a header row, then: model name (quoted), millions of dollars for each type.
set title title noenhanced
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.6
set ylabel "Spend (millions of CAD)"
set xlabel "Funding model"
set key outside right top vertical title "Component" noenhanced
set grid ytics
set yrange [0:*]
set xtics noenhanced rotate by -15
set key noenhanced
n = words($data[1])
plot for [i=2:n] $data using i:xtic(1) title columnheader(i)
