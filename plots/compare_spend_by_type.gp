# Spend by funding component type, one stacked bar per funding model.
# $data: per model, its row number, then millions of dollars for each type; keys: the types;
# tics: the models' names.
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
n = |keys|
plot for [i=1:n] $data using (column(i+1)):xtic(tics[int(column(0))+1]) title keys[i]
